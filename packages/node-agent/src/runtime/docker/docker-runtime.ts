// The ContainerRuntime on a Docker engine, through dockerode. Stateless: everything it knows comes
// from the engine (labels included), so a new instance sees what an earlier one made.
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { formatResolvConf } from '../../dns/resolv-conf.js';
import { RuntimeError } from '../../errors.js';
import { LABELS, labelFilter, parseLabels, type ParsedLabels } from '../labels.js';
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
  RuntimeVersion,
} from '../runtime.js';
import { stateName, terminationInfo } from '../state.js';
import { containerCreateOptions, sandboxCreateOptions } from './create-options.js';
import { engineCall } from './engine-errors.js';
import { engineEvents, engineExec, engineExecSync, engineLogs } from './streams.js';
import { engineStats } from './stats.js';
import { engineDiskUsage } from './disk-usage.js';

export interface DockerRuntimeOptions {
  /** `unix:///path/docker.sock` (a lab node's dockerHost) or a socket path; default /var/run/docker.sock */
  dockerHost?: string;
  /** the pod sandbox image */
  infraImage: string;
  /** the Docker network of the node's pod CIDR (made by the pod network) */
  network: string;
}

// dockerode is loaded on first use, not imported: in the process's bundle (scripts/bundle.mjs) an
// import of it, left outside the bundle, would run before any of the bundle's code, and so before
// main defers what dockerode loads for ssh hosts and BuildKit sessions (defer-dockerode-extras.ts):
// measured 8-10 MB more resident memory per agent.
const require = createRequire(import.meta.url);

export function dockerClient(dockerHost = 'unix:///var/run/docker.sock'): Docker {
  const Dockerode = require('dockerode') as typeof Docker;
  return new Dockerode({ socketPath: dockerHost.replace(/^unix:\/\//, '') });
}

/** creation times as ISO strings, kept: every relist lists every container again */
const createdIso = new Map<number, string>();
function createdAt(seconds: number): string {
  let iso = createdIso.get(seconds);
  if (iso === undefined) {
    if (createdIso.size >= 4096) createdIso.clear();
    iso = new Date(seconds * 1000).toISOString();
    createdIso.set(seconds, iso);
  }
  return iso;
}

type EngineListItem = Awaited<ReturnType<Docker['listContainers']>>[number];

function sandboxOf(c: EngineListItem, parsed: ParsedLabels): PodSandbox {
  return { id: c.Id, pod: parsed.pod, attempt: parsed.attempt, state: c.State === 'running' ? 'ready' : 'notready', createdAt: createdAt(c.Created), labels: parsed.own };
}

function containerOf(c: EngineListItem, p: ParsedLabels): ContainerSummary {
  const s: ContainerSummary = {
    id: c.Id,
    sandboxId: p.sandboxId as string,
    pod: p.pod,
    name: p.containerName as string,
    restartCount: p.restartCount,
    image: c.Image,
    imageId: c.ImageID,
    state: stateName(c.State),
    createdAt: createdAt(c.Created),
  };
  if (p.specHash !== undefined) s.specHash = p.specHash;
  return s;
}

export class DockerRuntime implements ContainerRuntime {
  readonly docker: Docker;

  constructor(private readonly opts: DockerRuntimeOptions) {
    this.docker = dockerClient(opts.dockerHost);
  }

  async version(): Promise<RuntimeVersion> {
    const v = await engineCall('version', () => this.docker.version());
    return { runtimeName: 'docker', runtimeVersion: v.Version, apiVersion: v.ApiVersion };
  }

  async runPodSandbox(config: PodSandboxConfig): Promise<PodSandboxStatus> {
    const body = sandboxCreateOptions(config, { infraImage: this.opts.infraImage, network: this.opts.network });
    const c = await engineCall(`create sandbox ${body.name}`, () => this.docker.createContainer(body));
    try {
      await engineCall(`start sandbox ${body.name}`, () => c.start(), { notModified: undefined });
      if (config.dns) await this.writeResolvConf(c.id, config.dns);
    } catch (e) {
      await engineCall(`remove sandbox ${body.name}`, () => c.remove({ force: true }), { absent: undefined }).catch(() => undefined);
      throw e;
    }
    return this.podSandboxStatus(c.id);
  }

  /**
   * The sandbox's resolv.conf (which its containers share) rewritten to say exactly the pod's DNS, as
   * dockershim did: on a user-defined network Docker writes its embedded resolver (127.0.0.11) there.
   */
  private async writeResolvConf(id: string, dns: NonNullable<PodSandboxConfig['dns']>): Promise<void> {
    const info = await engineCall(`inspect sandbox ${id}`, () => this.docker.getContainer(id).inspect());
    if (!info.ResolvConfPath) throw new RuntimeError('Unavailable', `sandbox ${id} has no resolv.conf`);
    try {
      await writeFile(info.ResolvConfPath, formatResolvConf(dns));
    } catch (e) {
      throw new RuntimeError('Unavailable', `write the resolv.conf of sandbox ${id}: ${(e as Error).message}`, { cause: e });
    }
  }

  async stopPodSandbox(id: string, timeoutSeconds = 10): Promise<void> {
    for (const c of await this.containersOf(id)) await this.stopContainer(c, timeoutSeconds);
    await engineCall(`stop sandbox ${id}`, () => this.docker.getContainer(id).stop({ t: timeoutSeconds }), { absent: undefined, notModified: undefined });
  }

  async removePodSandbox(id: string): Promise<void> {
    for (const c of await this.containersOf(id)) await this.removeContainer(c);
    await engineCall(`remove sandbox ${id}`, () => this.docker.getContainer(id).remove({ force: true }), { absent: undefined });
  }

  private async containersOf(sandboxId: string): Promise<string[]> {
    const label = [...labelFilter('container'), `${LABELS.sandboxId}=${sandboxId}`];
    const list = await engineCall('list containers', () => this.docker.listContainers({ all: true, filters: { label } }));
    return list.filter((c) => parseLabels(c.Labels)?.sandboxId === sandboxId).map((c) => c.Id);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const info = await engineCall(`inspect sandbox ${id}`, () => this.docker.getContainer(id).inspect());
    const parsed = parseLabels(info.Config.Labels);
    if (parsed?.type !== 'sandbox') throw new RuntimeError('NotFound', `container ${id} is not a pod sandbox`);
    const hostNetwork = info.HostConfig.NetworkMode === 'host';
    const status: PodSandboxStatus = {
      id: info.Id,
      pod: parsed.pod,
      attempt: parsed.attempt,
      state: info.State.Running ? 'ready' : 'notready',
      createdAt: info.Created,
      labels: parsed.own,
      hostNetwork,
    };
    const ip = info.NetworkSettings.Networks?.[this.opts.network]?.IPAddress;
    if (!hostNetwork && info.State.Running && ip) status.ip = ip;
    return status;
  }

  async listPodSandboxes(filter: ListFilter = {}): Promise<PodSandbox[]> {
    const list = await engineCall('list sandboxes', () => this.docker.listContainers({ all: true, filters: { label: labelFilter('sandbox', filter.podUid) } }));
    const out: PodSandbox[] = [];
    for (const c of list) {
      const parsed = parseLabels(c.Labels);
      if (parsed?.type === 'sandbox') out.push(sandboxOf(c, parsed));
    }
    return out;
  }

  async listPodObjects(filter: ListFilter = {}): Promise<PodObjects> {
    const list = await engineCall('list pod objects', () => this.docker.listContainers({ all: true, filters: { label: labelFilter(undefined, filter.podUid) } }));
    const out: PodObjects = { sandboxes: [], containers: [] };
    for (const c of list) {
      const parsed = parseLabels(c.Labels);
      if (parsed?.type === 'sandbox') out.sandboxes.push(sandboxOf(c, parsed));
      else if (parsed?.type === 'container') out.containers.push(containerOf(c, parsed));
    }
    return out;
  }

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = await this.podSandboxStatus(sandboxId);
    if (sandbox.pod.uid !== config.pod.uid) throw new RuntimeError('InvalidArgument', `sandbox ${sandboxId} belongs to pod ${sandbox.pod.uid}, not ${config.pod.uid}`);
    if (sandbox.state !== 'ready') throw new RuntimeError('InvalidArgument', `sandbox ${sandboxId} of pod ${config.pod.namespace}/${config.pod.name} is not running`);
    const body = containerCreateOptions(sandboxId, config);
    const c = await engineCall(`create container ${body.name}`, () => this.docker.createContainer(body));
    return c.id;
  }

  async startContainer(id: string): Promise<void> {
    await engineCall(`start container ${id}`, () => this.docker.getContainer(id).start(), { notModified: undefined });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    await engineCall(`stop container ${id}`, () => this.docker.getContainer(id).stop({ t: timeoutSeconds }), { absent: undefined, notModified: undefined });
  }

  async removeContainer(id: string): Promise<void> {
    await engineCall(`remove container ${id}`, () => this.docker.getContainer(id).remove({ force: true }), { absent: undefined });
  }

  async listContainers(filter: ListFilter = {}): Promise<ContainerSummary[]> {
    const list = await engineCall('list containers', () => this.docker.listContainers({ all: true, filters: { label: labelFilter('container', filter.podUid) } }));
    const out: ContainerSummary[] = [];
    for (const c of list) {
      const p = parseLabels(c.Labels);
      if (p?.type === 'container') out.push(containerOf(c, p));
    }
    return out;
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const info = await engineCall(`inspect container ${id}`, () => this.docker.getContainer(id).inspect());
    const p = parseLabels(info.Config.Labels);
    if (p?.type !== 'container') throw new RuntimeError('NotFound', `container ${id} is not a pod's container`);
    const t = terminationInfo(info.State);
    const status: ContainerStatus = {
      id: info.Id,
      sandboxId: p.sandboxId as string,
      pod: p.pod,
      name: p.containerName as string,
      restartCount: p.restartCount,
      image: info.Config.Image,
      imageId: info.Image,
      createdAt: info.Created,
      ...t,
    };
    if (p.specHash !== undefined) status.specHash = p.specHash;
    const binds = (info.Mounts ?? []).filter((m) => m.Type === 'bind').map((m) => ({ hostPath: m.Source, containerPath: m.Destination }));
    if (binds.length > 0) status.mounts = binds;
    return status;
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    const i = await engineCall(`inspect image ${ref}`, () => this.docker.getImage(ref).inspect(), { absent: undefined });
    return i && imageInfo(i);
  }

  async pullImage(ref: string, signal?: AbortSignal): Promise<string> {
    const stream = await engineCall(`pull ${ref}`, () => this.docker.pull(ref) as Promise<NodeJS.ReadableStream>);
    const onAbort = () => (stream as unknown as { destroy(): void }).destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const output = await new Promise<{ error?: string; errorDetail?: { message?: string } }[]>((resolve, reject) =>
        this.docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => (err ? reject(err) : resolve(out))),
      );
      const failed = output.find((o) => o.error);
      if (failed) throw new RuntimeError('ImagePull', `pull ${ref}: ${failed.errorDetail?.message ?? failed.error}`);
    } catch (e) {
      if (e instanceof RuntimeError) throw e;
      throw new RuntimeError('ImagePull', `pull ${ref}: ${signal?.aborted ? 'aborted' : e instanceof Error ? e.message : String(e)}`, { cause: e });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    const image = await this.inspectImage(ref);
    if (!image) throw new RuntimeError('ImagePull', `pull ${ref}: the image is not present after the pull`);
    return image.id;
  }

  async listImages(): Promise<ImageInfo[]> {
    const list = await engineCall('list images', () => this.docker.listImages());
    const out: ImageInfo[] = [];
    for (const i of list) {
      const info = await this.inspectImage(i.Id);
      if (info) out.push(info);
    }
    return out;
  }

  async removeImage(ref: string): Promise<void> {
    await engineCall(`remove image ${ref}`, () => this.docker.getImage(ref).remove(), { absent: undefined });
  }

  logs(containerId: string, options: LogOptions, signal?: AbortSignal): AsyncIterable<LogChunk> {
    return engineLogs(this.docker.getContainer(containerId), options, signal);
  }

  exec(containerId: string, options: ExecOptions): Promise<ExecSession> {
    return engineExec(this.docker.getContainer(containerId), options);
  }

  execSync(containerId: string, cmd: string[], timeoutMs: number): Promise<ExecResult> {
    return engineExecSync(this.docker.getContainer(containerId), cmd, timeoutMs);
  }

  containerStats(containerId: string): Promise<ContainerUsageSample> {
    return engineStats(this.docker.getContainer(containerId));
  }

  containerDiskUsage(containerId: string): Promise<ContainerDiskUsage> {
    return engineDiskUsage(this.docker.getContainer(containerId));
  }

  events(signal: AbortSignal, sinceMs?: number): AsyncIterable<RuntimeEvent> {
    return engineEvents(this.docker, signal, sinceMs);
  }

  async recover(): Promise<RecoveredPod[]> {
    return groupByPod(await this.listPodSandboxes(), await this.listContainers());
  }
}

function imageInfo(i: Docker.ImageInspectInfo): ImageInfo {
  const cfg = i.Config ?? ({} as Docker.ImageInspectInfo['Config']);
  const info: ImageInfo = {
    id: i.Id,
    repoTags: i.RepoTags ?? [],
    repoDigests: i.RepoDigests ?? [],
    sizeBytes: i.Size,
    entrypoint: toArgv(cfg.Entrypoint),
    cmd: toArgv(cfg.Cmd),
    user: cfg.User ?? '',
    env: cfg.Env ?? [],
  };
  if (cfg.WorkingDir) info.workingDir = cfg.WorkingDir;
  return info;
}

function toArgv(v: string | string[] | null | undefined): string[] {
  if (v === null || v === undefined) return [];
  return typeof v === 'string' ? [v] : v;
}
