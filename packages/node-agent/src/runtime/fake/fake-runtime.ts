// An in-memory ContainerRuntime for unit tests and hollow nodes. It keeps Docker-shaped records
// (labels, names, engine state) and reads them back with the same label schema, naming, state
// mapping and pod grouping as the Docker runtime, so only the engine itself is pretend. Tests drive
// what an engine would do on its own with `exitContainer`, `writeLog` and `execHandler`.
import { RuntimeError } from '../../errors.js';
import { containerLabels, parseLabels, sandboxLabels } from '../labels.js';
import { containerName, sandboxName } from '../names.js';
import { groupByPod } from '../recover.js';
import type {
  ContainerDiskUsage,
  ContainerUsageSample,
  ContainerConfig,
  ContainerRuntime,
  ContainerStatus,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  ExecSession,
  ImageInfo,
  ListFilter,
  PodObjects,
  LogChunk,
  LogOptions,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxStatus,
  RecoveredPod,
  RuntimeEvent,
  RuntimeEventType,
  RuntimeVersion,
} from '../runtime.js';
import { stateName, terminationInfo, type EngineState } from '../state.js';
import { EventHub } from './event-hub.js';
import { FakeHostPorts } from './host-ports.js';
import { FakeIpPool } from './ip-pool.js';

interface Record_ {
  id: string;
  name: string;
  labels: Record<string, string>;
  image: string;
  imageId: string;
  created: string;
  state: EngineState;
  tty: boolean;
  ip?: string;
  hostNetwork?: boolean;
  logs: { stream: LogChunk['stream']; line: string; timeMs: number }[];
  config?: ContainerConfig;
  sandboxConfig?: PodSandboxConfig;
}

export interface FakeRuntimeOptions {
  /** the pod CIDR sandboxes get addresses from (default 10.244.0.0/24) */
  podCIDR?: string;
  infraImage?: string;
  images?: { ref: string; info?: Partial<ImageInfo> }[];
  /** references that a pull finds ("the registry") */
  pullable?: string[];
  /** every pull succeeds (hollow nodes: any image "exists") */
  pullAny?: boolean;
  now?: () => number;
}

/** `stdin`: what the command read, when it was given stdin */
export type ExecHandler = (containerId: string, cmd: string[], stdin?: string) => ExecResult | Promise<ExecResult>;

function normalize(ref: string): string {
  const last = ref.split('/').pop() ?? ref;
  return ref.includes('@') || last.includes(':') ? ref : `${ref}:latest`;
}

export class FakeRuntime implements ContainerRuntime {
  private readonly records = new Map<string, Record_>();
  private readonly images = new Map<string, ImageInfo>();
  private readonly pullable: Set<string>;
  private readonly hub = new EventHub();
  private readonly ips: FakeIpPool;
  private readonly now: () => number;
  private seq = 0;
  /** the node's host ports: sandboxes bind their hostPorts; a test holds one "from outside" with `holdFromOutside` */
  readonly hostPorts = new FakeHostPorts();
  /** set by a test: the engine does not answer (`version()` fails as Docker's unreachable socket does) */
  unreachable = false;
  /** what `exec` and `execSync` run; default: exit 0, no output */
  execHandler: ExecHandler = () => ({ exitCode: 0, stdout: '', stderr: '' });
  /** executables (a container's entrypoint[0]) that are not in the image: the start fails as Docker's does */
  readonly missingExecutables = new Set<string>();
  /** the seconds between SIGTERM and SIGKILL that the last stop of each container gave (Docker's stop timeout) */
  readonly stopTimeouts = new Map<string, number>();

  constructor(private readonly opts: FakeRuntimeOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.ips = new FakeIpPool(opts.podCIDR ?? '10.244.0.0/24');
    this.pullable = new Set((opts.pullable ?? []).map(normalize));
    for (const i of [{ ref: opts.infraImage ?? 'skiff/pause:0.1' }, ...(opts.images ?? [])]) this.addImage(i.ref, i.info);
  }

  addImage(ref: string, info: Partial<ImageInfo> = {}): ImageInfo {
    const r = normalize(ref);
    const image: ImageInfo = { id: `sha256:${this.nextId()}`, repoTags: [r], repoDigests: [], sizeBytes: 1 << 20, entrypoint: [], cmd: ['sh'], user: '', env: [], ...info };
    this.images.set(r, image);
    return image;
  }

  private nextId(): string {
    return (++this.seq).toString(16).padStart(64, '0');
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  private get(id: string, type: 'sandbox' | 'container'): Record_ {
    const r = this.records.get(id) ?? [...this.records.values()].find((x) => x.name === id);
    if (!r || parseLabels(r.labels)?.type !== type) throw new RuntimeError('NotFound', `No such ${type}: ${id}`);
    return r;
  }

  private emit(type: RuntimeEventType, r: Record_, exitCode?: number): void {
    const p = parseLabels(r.labels);
    if (!p) return;
    const ev: RuntimeEvent = { type, containerId: r.id, pod: p.pod, timeMs: this.now() };
    if (p.containerName !== undefined) ev.containerName = p.containerName;
    if (exitCode !== undefined) ev.exitCode = exitCode;
    this.hub.publish(ev);
  }

  private add(name: string, labels: Record<string, string>, imageRef: string): Record_ {
    if ([...this.records.values()].some((r) => r.name === name)) {
      throw new RuntimeError('AlreadyExists', `Conflict. The container name "/${name}" is already in use`);
    }
    const image = this.images.get(normalize(imageRef));
    if (!image) throw new RuntimeError('NotFound', `No such image: ${imageRef}`);
    const r: Record_ = { id: this.nextId(), name, labels, image: imageRef, imageId: image.id, created: this.iso(), state: { Status: 'created' }, tty: false, logs: [] };
    this.records.set(r.id, r);
    return r;
  }

  private run(r: Record_): void {
    if (r.state.Status === 'running') return;
    r.state = { Status: 'running', StartedAt: this.iso(), ExitCode: 0 };
    this.emit('start', r);
  }

  /** What an engine does when a process ends: the container exits (and an OOM kill is reported). */
  exitContainer(id: string, exitCode: number, opts: { oomKilled?: boolean } = {}): void {
    const r = this.records.get(id);
    if (!r || r.state.Status !== 'running') return;
    if (opts.oomKilled) this.emit('oom', r);
    r.state = { ...r.state, Status: 'exited', ExitCode: exitCode, OOMKilled: Boolean(opts.oomKilled), FinishedAt: this.iso() };
    this.hostPorts.release(r.id);
    if (r.ip) this.ips.release(r.ip);
    delete r.ip;
    this.emit('die', r, exitCode);
    this.wakeLogReaders(r.id);
  }

  writeLog(id: string, stream: LogChunk['stream'], line: string): void {
    const r = this.records.get(id);
    if (!r) throw new RuntimeError('NotFound', `No such container: ${id}`);
    r.logs.push({ stream, line, timeMs: this.now() });
    this.wakeLogReaders(r.id);
  }

  private readonly logReaders = new Map<string, Set<() => void>>();

  private wakeLogReaders(id: string): void {
    for (const wake of this.logReaders.get(id) ?? []) wake();
  }

  /** resolves at the container's next log line or exit, or when the signal aborts */
  private nextLogEvent(id: string, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const readers = this.logReaders.get(id) ?? new Set<() => void>();
      this.logReaders.set(id, readers);
      const done = () => {
        readers.delete(done);
        if (readers.size === 0) this.logReaders.delete(id);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      readers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** the config a sandbox was made with (for assertions) */
  sandboxConfigOf(id: string): PodSandboxConfig | undefined {
    return this.records.get(id)?.sandboxConfig;
  }

  /** the config a container was created with (for assertions) */
  configOf(id: string): ContainerConfig | undefined {
    return this.records.get(id)?.config;
  }

  get eventListeners(): number {
    return this.hub.listeners;
  }

  async version(): Promise<RuntimeVersion> {
    if (this.unreachable) throw new RuntimeError('Unavailable', 'connect ENOENT /var/run/docker.sock');
    return { runtimeName: 'fake', runtimeVersion: '0.1.0', apiVersion: '1.41' };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<PodSandboxStatus> {
    const name = sandboxName(config);
    const r = this.add(name, sandboxLabels(config), this.opts.infraImage ?? 'skiff/pause:0.1');
    r.hostNetwork = Boolean(config.hostNetwork);
    r.sandboxConfig = config;
    if (!config.hostNetwork) {
      try {
        this.hostPorts.bind(r.id, config.ports ?? []);
      } catch (e) {
        // Docker refuses the start (HTTP 500); the Docker runtime then removes the sandbox
        this.records.delete(r.id);
        throw new RuntimeError('Unavailable', `start sandbox ${name}: driver failed programming external connectivity on endpoint ${name} (${this.nextId()}): ${(e as Error).message}`);
      }
      r.ip = this.ips.allocate();
    }
    this.run(r);
    return this.podSandboxStatus(r.id);
  }

  async stopPodSandbox(id: string, _timeoutSeconds?: number): Promise<void> {
    const sandbox = this.records.get(id);
    if (!sandbox) return;
    for (const c of this.containersOf(id)) this.exitContainer(c.id, 137);
    this.exitContainer(id, 0);
  }

  async removePodSandbox(id: string): Promise<void> {
    for (const c of this.containersOf(id)) await this.removeContainer(c.id);
    const r = this.records.get(id);
    if (r) {
      this.exitContainer(id, 137);
      this.records.delete(id);
    }
  }

  private containersOf(sandboxId: string): Record_[] {
    return [...this.records.values()].filter((r) => parseLabels(r.labels)?.sandboxId === sandboxId);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const r = this.get(id, 'sandbox');
    const s: PodSandboxStatus = { ...this.sandboxOf(r), hostNetwork: Boolean(r.hostNetwork) };
    if (r.ip && r.state.Status === 'running') s.ip = r.ip;
    return s;
  }

  private sandboxOf(r: Record_): PodSandbox {
    const p = parseLabels(r.labels)!;
    return { id: r.id, pod: p.pod, attempt: p.attempt, state: r.state.Status === 'running' ? 'ready' : 'notready', createdAt: r.created, labels: p.own };
  }

  async listPodSandboxes(filter: ListFilter = {}): Promise<PodSandbox[]> {
    return this.select('sandbox', filter).map((r) => this.sandboxOf(r));
  }

  private select(type: 'sandbox' | 'container', filter: ListFilter): Record_[] {
    return [...this.records.values()].filter((r) => {
      const p = parseLabels(r.labels);
      return p?.type === type && (filter.podUid === undefined || p.pod.uid === filter.podUid);
    });
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = await this.podSandboxStatus(sandboxId);
    if (sandbox.pod.uid !== config.pod.uid) throw new RuntimeError('InvalidArgument', `sandbox ${sandboxId} belongs to pod ${sandbox.pod.uid}, not ${config.pod.uid}`);
    if (sandbox.state !== 'ready') throw new RuntimeError('InvalidArgument', `sandbox ${sandboxId} of pod ${config.pod.namespace}/${config.pod.name} is not running`);
    const r = this.add(containerName(config), containerLabels(sandboxId, config), config.image);
    r.tty = Boolean(config.tty);
    r.config = structuredClone(config);
    return r.id;
  }

  async startContainer(id: string): Promise<void> {
    const r = this.get(id, 'container');
    if (r.state.Status === 'exited') throw new RuntimeError('InvalidArgument', `container ${id} has exited; create a new one`);
    const sandboxId = parseLabels(r.labels)?.sandboxId as string;
    if (this.records.get(sandboxId)?.state.Status !== 'running') {
      r.state = { Status: 'created', ExitCode: 128, Error: `cannot join network of a non running container: ${sandboxId}` };
      throw new RuntimeError('InvalidArgument', `start container ${id}: cannot join network of a non running container: ${sandboxId}`);
    }
    const exe = this.configOf(id)?.entrypoint[0];
    if (exe !== undefined && this.missingExecutables.has(exe)) {
      const error = `OCI runtime create failed: container_linux.go:380: starting container process caused: exec: ${JSON.stringify(exe)}: stat ${exe}: no such file or directory: unknown`;
      r.state = { Status: 'created', ExitCode: 127, Error: error };
      throw new RuntimeError('InvalidArgument', `start container ${id}: ${error}`);
    }
    this.run(r);
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.stopTimeouts.set(id, timeoutSeconds);
    if (this.records.has(id)) this.exitContainer(id, 143);
  }

  async removeContainer(id: string): Promise<void> {
    if (!this.records.has(id)) return;
    this.exitContainer(id, 137);
    this.records.delete(id);
  }

  private summaryOf(r: Record_): ContainerSummary {
    const p = parseLabels(r.labels)!;
    const s: ContainerSummary = {
      id: r.id,
      sandboxId: p.sandboxId as string,
      pod: p.pod,
      name: p.containerName as string,
      restartCount: p.restartCount,
      image: r.image,
      imageId: r.imageId,
      state: stateName(r.state.Status),
      createdAt: r.created,
    };
    if (p.specHash !== undefined) s.specHash = p.specHash;
    return s;
  }

  async listContainers(filter: ListFilter = {}): Promise<ContainerSummary[]> {
    return this.select('container', filter).map((r) => this.summaryOf(r));
  }

  async listPodObjects(filter: ListFilter = {}): Promise<PodObjects> {
    // both lists of the same moment, as one engine listing is
    const [sandboxes, containers] = await Promise.all([this.listPodSandboxes(filter), this.listContainers(filter)]);
    return { sandboxes, containers };
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const r = this.get(id, 'container');
    const mounts = (r.config?.mounts ?? []).map((m) => ({ hostPath: m.hostPath, containerPath: m.containerPath }));
    return { ...this.summaryOf(r), ...terminationInfo(r.state), ...(mounts.length > 0 ? { mounts } : {}) };
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return this.images.get(normalize(ref)) ?? [...this.images.values()].find((i) => i.id === ref);
  }

  async pullImage(ref: string, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw new RuntimeError('ImagePull', `pull ${ref}: aborted`);
    const r = normalize(ref);
    if (!this.pullable.has(r) && !this.opts.pullAny) throw new RuntimeError('ImagePull', `pull ${ref}: pull access denied for ${ref.split(':')[0]}, repository does not exist or may require 'docker login'`);
    return (this.images.get(r) ?? this.addImage(r)).id;
  }

  async listImages(): Promise<ImageInfo[]> {
    return [...new Set(this.images.values())];
  }

  async removeImage(ref: string): Promise<void> {
    this.images.delete(normalize(ref));
  }

  /** As Docker: tail and since select the lines; with follow, new lines until the container stops. */
  async *logs(containerId: string, options: LogOptions, signal?: AbortSignal): AsyncGenerator<LogChunk> {
    const r = this.get(containerId, 'container');
    const format = (l: Record_['logs'][number]): LogChunk => {
      const text = options.timestamps ? `${new Date(l.timeMs).toISOString()} ${l.line}` : l.line;
      return { stream: r.tty ? 'stdout' : l.stream, data: Buffer.from(`${text}\n`) };
    };
    const lines = r.logs.filter((l) => options.sinceMs === undefined || l.timeMs >= options.sinceMs);
    const shown = options.tail === undefined ? lines : options.tail <= 0 ? [] : lines.slice(-options.tail);
    for (const l of shown) {
      if (signal?.aborted) return;
      yield format(l);
    }
    let seen = r.logs.length;
    while (options.follow && !signal?.aborted && r.state.Status === 'running' && this.records.has(r.id)) {
      await this.nextLogEvent(r.id, signal);
      for (; seen < r.logs.length && !signal?.aborted; seen++) yield format(r.logs[seen]!);
    }
  }

  /** Runs `execHandler` once stdin (when given) has ended, with what it read. */
  async exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    const r = this.get(containerId, 'container');
    if (r.state.Status !== 'running') throw new RuntimeError('InvalidArgument', `container ${containerId} is not running`);
    const result = (async () => {
      let input = '';
      if (options.stdin) for await (const b of options.stdin) input += String(b);
      return this.execHandler(r.id, options.cmd, options.stdin ? input : undefined);
    })();
    result.catch(() => undefined);
    return {
      output: (async function* () {
        const res = await result;
        if (res.stdout) yield { stream: 'stdout' as const, data: Buffer.from(res.stdout) };
        if (res.stderr) yield { stream: options.tty ? ('stdout' as const) : ('stderr' as const), data: Buffer.from(res.stderr) };
      })(),
      resize: async () => {},
      exitCode: async () => (await result).exitCode,
    };
  }

  async execSync(containerId: string, cmd: string[], _timeoutMs: number): Promise<ExecResult> {
    const r = this.get(containerId, 'container');
    if (r.state.Status !== 'running') throw new RuntimeError('InvalidArgument', `container ${containerId} is not running`);
    return this.execHandler(r.id, cmd);
  }

  /** what `containerStats` reports, by container id (tests set it; default: nothing used) */
  readonly usage = new Map<string, { cpuNanoCores: number; memoryWorkingSetBytes: number }>();

  async containerStats(containerId: string): Promise<ContainerUsageSample> {
    const r = this.get(containerId, 'container');
    if (r.state.Status !== 'running') throw new RuntimeError('InvalidArgument', `container ${containerId} is not running`);
    return { cpuNanoCores: 0, memoryWorkingSetBytes: 0, ...this.usage.get(r.id), windowSeconds: 1, timeMs: this.now() };
  }

  /** what `containerDiskUsage` reports, by container id (tests set it; default: no writable layer, the log lines written) */
  readonly disk = new Map<string, Partial<ContainerDiskUsage>>();

  async containerDiskUsage(containerId: string): Promise<ContainerDiskUsage> {
    const r = this.get(containerId, 'container');
    const logsBytes = r.logs.reduce((n, l) => n + Buffer.byteLength(l.line) + 1, 0);
    return { rootfsBytes: 0, logsBytes, ...this.disk.get(r.id) };
  }

  events(signal: AbortSignal, sinceMs?: number): AsyncIterable<RuntimeEvent> {
    return this.hub.subscribe(signal, sinceMs);
  }

  async recover(): Promise<RecoveredPod[]> {
    return groupByPod(await this.listPodSandboxes(), await this.listContainers());
  }
}
