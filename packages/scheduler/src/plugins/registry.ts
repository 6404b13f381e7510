// Every in-tree plugin: one line each. A profile names the plugins it runs; the Framework builds them
// from here with their `pluginConfig` args.
import type { PluginFactory } from '../framework/interface.js';
import { BalancedAllocation, type BalancedAllocationArgs } from './balanced-allocation/balanced-allocation.js';
import { DefaultBinder } from './default-binder/default-binder.js';
import { DefaultPreemption, type DefaultPreemptionArgs } from './default-preemption/default-preemption.js';
import { ImageLocality } from './image-locality/image-locality.js';
import { InterPodAffinity, type InterPodAffinityArgs } from './inter-pod-affinity/inter-pod-affinity.js';
import * as names from './names.js';
import { NodeAffinity } from './node-affinity/node-affinity.js';
import { NodeName } from './node-name/node-name.js';
import { NodePorts } from './node-ports/node-ports.js';
import { NodeResourcesFit, type NodeResourcesFitArgs } from './node-resources-fit/node-resources-fit.js';
import { NodeUnschedulable } from './node-unschedulable/node-unschedulable.js';
import { PodTopologySpread } from './pod-topology-spread/pod-topology-spread.js';
import { PrioritySort } from './priority-sort/priority-sort.js';
import { TaintToleration } from './taint-toleration/taint-toleration.js';

export const inTreeRegistry: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  [names.PrioritySortName, () => new PrioritySort()],
  [names.NodeUnschedulableName, () => new NodeUnschedulable()],
  [names.NodeNameName, () => new NodeName()],
  [names.TaintTolerationName, () => new TaintToleration()],
  [names.NodeAffinityName, () => new NodeAffinity()],
  [names.NodePortsName, () => new NodePorts()],
  [names.NodeResourcesFitName, (args) => new NodeResourcesFit(args as NodeResourcesFitArgs)],
  [names.PodTopologySpreadName, (_args, h) => new PodTopologySpread(h)],
  [names.InterPodAffinityName, (args, h) => new InterPodAffinity(h, args as InterPodAffinityArgs)],
  [names.DefaultPreemptionName, (args, h) => new DefaultPreemption(h, args as DefaultPreemptionArgs)],
  [names.BalancedAllocationName, (args) => new BalancedAllocation(args as BalancedAllocationArgs)],
  [names.ImageLocalityName, (_args, h) => new ImageLocality(h)],
  [names.DefaultBinderName, (_args, h) => new DefaultBinder(h)],
]);
