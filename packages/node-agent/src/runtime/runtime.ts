// The ContainerRuntime contract: the kubelet's CRI in spirit, Nomad's driver interface (with
// `recover`) in shape. A pod is one sandbox container owning the network namespace plus app
// containers joined to it. Every object the runtime makes carries the labels of `labels.ts`, so a
// new runtime instance (an agent restarted, even after kill -9) finds and re-adopts all of it.
// Implementations: `docker/docker-runtime.ts` (dockerode) and `fake/fake-runtime.ts` (in memory).
import type { Readable, Writable } from 'node:stream';

/** Which pod a sandbox or container belongs to. */
export interface PodRef {
  uid: string;
  namespace: string;
  name: string;
}

export interface PortMapping {
  containerPort: number;
  /** tcp, udp, sctp (lower case, as Docker writes them) */
  protocol: 'tcp' | 'udp' | 'sctp';
  hostPort?: number;
  hostIP?: string;
}

export interface PodSandboxConfig {
  pod: PodRef;
  /** 0 for a pod's first sandbox, then 1, 2... when the sandbox had to be made again */
  attempt: number;
  hostname: string;
  /** the node's network instead of the pod network (hostNetwork: true) */
  hostNetwork?: boolean;
  /** hostPort mappings of all the pod's containers (they share the sandbox's network) */
  ports?: PortMapping[];
  /** the pod's own labels, kept beside the runtime's reserved labels */
  labels?: Record<string, string>;
  /** the pod's resolv.conf (shared by its containers); undefined: a copy of the node's */
  dns?: { servers: string[]; searches: string[]; options: string[] };
  /** the pod's domain (`<subdomain>.<ns>.svc.<cluster domain>`): its /etc/hosts names the FQDN */
  domain?: string;
  /** /etc/hosts entries from hostAliases, "hostname:ip" */
  extraHosts?: string[];
}

export interface LinuxResources {
  /** cpu.shares (2..262144) */
  cpuShares: number;
  /** CFS quota in µs per period; 0 means unlimited */
  cpuQuota: number;
  /** CFS period in µs */
  cpuPeriod: number;
  /** bytes; 0 means unlimited */
  memoryLimitBytes: number;
  /** memory + swap in bytes; equal to the memory limit means no swap; 0 means unset */
  memorySwapLimitBytes: number;
  oomScoreAdj: number;
}

export interface ContainerSecurity {
  /** "uid" or "uid:gid" */
  user?: string;
  groupAdd?: string[];
  privileged?: boolean;
  readOnlyRootfs?: boolean;
  capAdd?: string[];
  capDrop?: string[];
  noNewPrivileges?: boolean;
}

/** A bind mount of a path of the node into a container (a pod volume, or a path inside it). */
export interface Mount {
  hostPath: string;
  containerPath: string;
  readOnly: boolean;
}

/** Everything a runtime needs to create one app container; produced by `spec/container-config.ts`. */
export interface ContainerConfig {
  pod: PodRef;
  /** the container's name in the pod spec */
  name: string;
  /** how many times this container was restarted before (0 for the first one) */
  restartCount: number;
  image: string;
  /** resolved against the image's config: both are always set (possibly empty) */
  entrypoint: string[];
  cmd: string[];
  env: { name: string; value: string }[];
  workingDir?: string;
  resources?: LinuxResources;
  security?: ContainerSecurity;
  /** informational (the pod's ports; Docker takes none on a container joined to the sandbox); host ports are on the sandbox */
  ports?: PortMapping[];
  tty?: boolean;
  stdin?: boolean;
  stdinOnce?: boolean;
  /** a hash of the pod spec's container, to see that the spec changed */
  specHash?: string;
  /** bind mounts of the pod's volumes (`volumes/container-mounts.ts`) */
  mounts?: Mount[];
}

/** CRI's four container states. */
export type ContainerStateName = 'created' | 'running' | 'exited' | 'unknown';
export type SandboxStateName = 'ready' | 'notready';

export interface PodSandbox {
  id: string;
  pod: PodRef;
  attempt: number;
  state: SandboxStateName;
  createdAt: string;
  /** the pod's own labels */
  labels: Record<string, string>;
}

export interface PodSandboxStatus extends PodSandbox {
  /** the pod IP; undefined with host networking or when not running */
  ip?: string;
  hostNetwork: boolean;
}

export interface ContainerSummary {
  id: string;
  sandboxId: string;
  pod: PodRef;
  name: string;
  restartCount: number;
  image: string;
  imageId: string;
  state: ContainerStateName;
  createdAt: string;
  specHash?: string;
}

export interface ContainerStatus extends ContainerSummary {
  startedAt?: string;
  finishedAt?: string;
  exitCode?: number;
  /** OOMKilled, Completed, Error, ContainerCannotRun: as a terminated state's reason */
  reason?: string;
  message?: string;
  /** the container's bind mounts (where its terminationMessagePath lives on the node) */
  mounts?: { hostPath: string; containerPath: string }[];
}

export interface ImageInfo {
  /** sha256:... */
  id: string;
  repoTags: string[];
  repoDigests: string[];
  sizeBytes: number;
  entrypoint: string[];
  cmd: string[];
  workingDir?: string;
  /** the image's USER ("" when unset) */
  user: string;
  env: string[];
}

export interface LogOptions {
  follow?: boolean;
  /** the last N lines only */
  tail?: number;
  /** only lines at or after this time (ms since the epoch) */
  sinceMs?: number;
  timestamps?: boolean;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

export interface ExecOptions {
  cmd: string[];
  tty?: boolean;
  /** when given, its bytes are the command's stdin */
  stdin?: Readable;
}

export interface ExecSession {
  /** the command's output; with a tty everything is on stdout */
  output: AsyncIterable<LogChunk>;
  stdin?: Writable;
  resize(rows: number, cols: number): Promise<void>;
  /** resolves once the command ended */
  exitCode(): Promise<number>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** A container's resource usage: cpu as a rate over a short window, memory as the working set. */
export interface ContainerUsageSample {
  /** cpu in nanocores (1e9: one core busy) over the window */
  cpuNanoCores: number;
  /** usage minus inactive file pages (Kubernetes' working set) */
  memoryWorkingSetBytes: number;
  windowSeconds: number;
  /** when it was measured (ms since the epoch) */
  timeMs: number;
}

/** What a container holds on the node's disk (the kubelet's rootfs and logs stats of a container). */
export interface ContainerDiskUsage {
  /** bytes written to the container's writable layer */
  rootfsBytes: number;
  /** bytes of the container's log files */
  logsBytes: number;
}

export type RuntimeEventType = 'start' | 'die' | 'oom';

/** What the PLEG-like loop hears: a container of a pod started, died or was OOM-killed. */
export interface RuntimeEvent {
  type: RuntimeEventType;
  containerId: string;
  /** undefined for a container without the runtime's labels (never delivered) */
  pod: PodRef;
  /** the container name, or undefined for a sandbox */
  containerName?: string;
  exitCode?: number;
  timeMs: number;
}

/** A pod as found on the node: its sandboxes and containers, by labels. */
export interface RecoveredPod {
  pod: PodRef;
  sandboxes: PodSandbox[];
  containers: ContainerSummary[];
}

export interface ListFilter {
  podUid?: string;
}

export interface PodObjects {
  sandboxes: PodSandbox[];
  containers: ContainerSummary[];
}

export interface RuntimeVersion {
  runtimeName: string;
  runtimeVersion: string;
  apiVersion: string;
}

export interface ContainerRuntime {
  version(): Promise<RuntimeVersion>;

  runPodSandbox(config: PodSandboxConfig): Promise<PodSandboxStatus>;
  /** stops the sandbox and every container of it; stopping a stopped one is fine */
  stopPodSandbox(id: string, timeoutSeconds?: number): Promise<void>;
  /** removes the sandbox and its containers; removing an absent one is fine */
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  listPodSandboxes(filter?: ListFilter): Promise<PodSandbox[]>;

  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after the timeout; stopping an exited container is fine */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** removing an absent container is fine */
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: ListFilter): Promise<ContainerSummary[]>;
  /** the sandboxes and containers together, from one listing of the engine (the PLEG's relist, a pod's state) */
  listPodObjects(filter?: ListFilter): Promise<PodObjects>;
  containerStatus(id: string): Promise<ContainerStatus>;

  /** undefined when the image is not present */
  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  /** pulls and returns the image's id */
  pullImage(ref: string, signal?: AbortSignal): Promise<string>;
  listImages(): Promise<ImageInfo[]>;
  removeImage(ref: string): Promise<void>;

  logs(containerId: string, options: LogOptions, signal?: AbortSignal): AsyncIterable<LogChunk>;
  exec(containerId: string, options: ExecOptions): Promise<ExecSession>;
  /** runs a command to its end (probes, hooks); throws on timeout */
  execSync(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult>;
  /** cpu and memory usage of a running container (`skiffctl top`) */
  containerStats(containerId: string): Promise<ContainerUsageSample>;
  /** the container's writable layer and log files (local ephemeral storage; costs the engine a walk of the layer) */
  containerDiskUsage(containerId: string): Promise<ContainerDiskUsage>;

  /**
   * start/die/oom of the runtime's own containers, until the signal aborts; with `sinceMs`, those
   * since that time first (whole seconds: a few may come twice), so a reader that reconnects or
   * opens the stream late misses nothing
   */
  events(signal: AbortSignal, sinceMs?: number): AsyncIterable<RuntimeEvent>;

  /** every pod the runtime holds on this node, grouped from its labels (Nomad's RecoverTask) */
  recover(): Promise<RecoveredPod[]>;
}
