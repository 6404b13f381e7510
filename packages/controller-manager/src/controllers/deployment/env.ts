// What the Deployment sync functions share: the client, the recorder, the clock.
import type { Deployment, ReplicaSet } from '@skiff/api';
import type { Client, EventRecorder } from '@skiff/machinery';

export interface SyncEnv {
  client: Client;
  recorder: EventRecorder;
  now(): number;
}

/** The Deployment's ReplicaSets split as Kubernetes' getAllReplicaSetsAndSyncRevision returns them. */
export interface ReplicaSetsOf {
  d: Deployment;
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}
