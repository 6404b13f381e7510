// The describer of each kind; kinds without one print their fields generically.
import type { Describer } from './context.js';
import { describeConfigMap, describeGeneric, describeLease, describeNamespace, describeNode, describeSecret } from './cluster.js';
import { describePod } from './pod.js';
import { describeEndpoints, describeService } from './service.js';
import { describeDeployment, describeReplicaSet } from './workloads.js';

const describers: Record<string, Describer> = {
  Pod: describePod,
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  Service: describeService,
  Endpoints: describeEndpoints,
  Node: describeNode,
  Namespace: describeNamespace,
  ConfigMap: describeConfigMap,
  Secret: describeSecret,
  Lease: describeLease,
};

export function describerFor(kind: string): Describer {
  return describers[kind] ?? describeGeneric;
}
