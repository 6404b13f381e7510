// Kubernetes' default plugin set (pkg/scheduler/apis/config/v1/default_plugins.go), as multiPoint:
// each plugin runs at every extension point it implements; weights are the score weights.
import * as names from '../plugins/names.js';
import type { PluginRef } from './types.js';

export const defaultMultiPoint: readonly PluginRef[] = [
  { name: names.PrioritySortName },
  { name: names.NodeUnschedulableName },
  { name: names.NodeNameName },
  { name: names.TaintTolerationName, weight: 3 },
  { name: names.NodeAffinityName, weight: 2 },
  { name: names.NodePortsName },
  { name: names.NodeResourcesFitName, weight: 1 },
  { name: names.PodTopologySpreadName, weight: 2 },
  { name: names.InterPodAffinityName, weight: 2 },
  { name: names.DefaultPreemptionName },
  { name: names.BalancedAllocationName, weight: 1 },
  { name: names.ImageLocalityName, weight: 1 },
  { name: names.DefaultBinderName },
];
