// One kind of volume (the kubelet's VolumePlugin, reduced to what a node without attach/detach
// needs): whether it serves a pod's volume, and `setUp`, which makes the volume's directory ready
// on the node and is repeated on every sync (so ConfigMap, Secret and downward API files follow
// their sources). Expected failures (a missing ConfigMap, a hostPath type check) are values;
// I/O failures throw. A plugin is one file in `plugins/` plus one line in `registry.ts`.
import type { ConfigMap, Pod, Secret, Volume } from '@skiff/api';
import type { Mounter } from './mounter.js';

/** Where ConfigMaps and Secrets come from (the agent's informer caches): undefined when absent; read-only. */
export interface ConfigSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

/** The node's allocatable figures: the default of a limit a container leaves unset (downward API). */
export interface NodeAllocatable {
  cpuMilli: bigint;
  memoryBytes: bigint;
  ephemeralStorageBytes: bigint;
}

export interface VolumeContext {
  pod: Pod;
  volume: Volume;
  /** the volume's own directory on the node: <root>/pods/<uid>/volumes/<plugin>/<name> */
  dir: string;
  mounter: Mounter;
  sources: ConfigSource;
  node: NodeAllocatable;
  now: () => number;
}

export type SetUpResult =
  /** the path on the node to bind into containers */
  | { path: string; readOnly?: boolean }
  /** why the volume cannot be set up (yet): the FailedMount event's text */
  | { failed: string };

export interface VolumePlugin {
  /** the kubelet's escaped plugin name, also the directory under volumes/: kubernetes.io~configmap */
  readonly name: string;
  canSupport(volume: Volume): boolean;
  setUp(ctx: VolumeContext): Promise<SetUpResult>;
}
