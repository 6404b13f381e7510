// Runtime configs to Docker's container-create bodies (pure). The sandbox owns the network (the pod
// network or the node's); app containers join it with `container:<sandbox id>`.
import type { ContainerCreateOptions, HostConfig } from 'dockerode';
import { containerLabels, sandboxLabels } from '../labels.js';
import { containerName, sandboxName } from '../names.js';
import type { ContainerConfig, PodSandboxConfig, PortMapping } from '../runtime.js';

export interface SandboxCreateContext {
  /** the pause image */
  infraImage: string;
  /** the Docker network of the pod CIDR */
  network: string;
}

function portKey(p: PortMapping): string {
  return `${p.containerPort}/${p.protocol}`;
}

export function sandboxCreateOptions(config: PodSandboxConfig, ctx: SandboxCreateContext): ContainerCreateOptions {
  const hostConfig: HostConfig = {
    NetworkMode: config.hostNetwork ? 'host' : ctx.network,
    // the app containers join its IPC namespace too, which Docker allows only from a shareable one
    IpcMode: 'shareable',
    RestartPolicy: { Name: 'no' },
  };
  const opts: ContainerCreateOptions = {
    name: sandboxName(config),
    Image: ctx.infraImage,
    Labels: sandboxLabels(config),
    HostConfig: hostConfig,
  };
  if (!config.hostNetwork) opts.Hostname = config.hostname;
  // the sandbox's resolv.conf and /etc/hosts are the pod's: Docker gives them to every container
  // that joins its network namespace
  if (config.domain && !config.hostNetwork) opts.Domainname = config.domain;
  if (config.dns) {
    if (config.dns.servers.length > 0) hostConfig.Dns = config.dns.servers;
    hostConfig.DnsSearch = config.dns.searches.length > 0 ? config.dns.searches : ['.']; // "." is Docker's "no search path"
    if (config.dns.options.length > 0) hostConfig.DnsOptions = config.dns.options;
  }
  if (config.extraHosts?.length) hostConfig.ExtraHosts = config.extraHosts;
  const bound = (config.ports ?? []).filter((p) => p.hostPort);
  if (bound.length > 0 && !config.hostNetwork) {
    opts.ExposedPorts = Object.fromEntries(bound.map((p) => [portKey(p), {}]));
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of bound) (bindings[portKey(p)] ??= []).push({ HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) });
    hostConfig.PortBindings = bindings;
  }
  return opts;
}

export function containerCreateOptions(sandboxId: string, config: ContainerConfig): ContainerCreateOptions {
  const hostConfig: HostConfig = {
    NetworkMode: `container:${sandboxId}`,
    IpcMode: `container:${sandboxId}`,
    RestartPolicy: { Name: 'no' },
  };
  const r = config.resources;
  if (r) {
    hostConfig.CpuShares = r.cpuShares;
    hostConfig.CpuQuota = r.cpuQuota;
    hostConfig.CpuPeriod = r.cpuPeriod;
    hostConfig.Memory = r.memoryLimitBytes;
    hostConfig.MemorySwap = r.memorySwapLimitBytes;
    hostConfig.OomScoreAdj = r.oomScoreAdj;
  }
  const s = config.security;
  if (s) {
    if (s.privileged) hostConfig.Privileged = true;
    if (s.readOnlyRootfs) hostConfig.ReadonlyRootfs = true;
    if (s.capAdd?.length) hostConfig.CapAdd = s.capAdd;
    if (s.capDrop?.length) hostConfig.CapDrop = s.capDrop;
    if (s.groupAdd?.length) hostConfig.GroupAdd = s.groupAdd;
    if (s.noNewPrivileges) hostConfig.SecurityOpt = ['no-new-privileges'];
  }
  if (config.mounts?.length) hostConfig.Mounts = config.mounts.map((m) => ({ Type: 'bind', Source: m.hostPath, Target: m.containerPath, ReadOnly: m.readOnly }));
  const opts: ContainerCreateOptions = {
    name: containerName(config),
    Image: config.image,
    Entrypoint: config.entrypoint,
    Cmd: config.cmd,
    Env: config.env.map((e) => `${e.name}=${e.value}`),
    Labels: containerLabels(sandboxId, config),
    HostConfig: hostConfig,
  };
  if (config.workingDir) opts.WorkingDir = config.workingDir;
  if (s?.user) opts.User = s.user;
  // no ExposedPorts: Docker refuses them with a container: network mode (the sandbox holds the ports)
  if (config.tty) opts.Tty = true;
  if (config.stdin) {
    opts.OpenStdin = true;
    opts.AttachStdin = true;
    if (config.stdinOnce) opts.StdinOnce = true;
  }
  return opts;
}
