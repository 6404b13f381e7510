// `up`: makes the lab match its spec, and repairs only what is missing. On a running lab it changes
// nothing; after a dockerd was killed or a namespace removed, it restores just that.
import { mkdir } from 'node:fs/promises';
import { bridgeAddress, formatSubnet, nodeAddress, parseSubnet, subnetConflict, DEFAULT_SUBNET } from './subnet.js';
import { planBridge, planHostForwarding } from './bridge.js';
import { formatCommand, runPlan } from './command.js';
import { DEFAULT_DOCKERD_ARGS, runningDockerd, startDockerd, stopNodeProcesses, waitEngineReady } from './dockerd.js';
import { SocketEngineApi } from './engine-api.js';
import { LabError } from './errors.js';
import { DEFAULT_IMAGE_CACHE, ensureImages, loadImages, type CachedImage } from './images.js';
import { listLinks, listRoutes } from './ip-link.js';
import { observeLabRules, planLabRules } from './iptables.js';
import { ensureNodeNetwork, hostIpForward } from './node-network.js';
import { teardownNode } from './down.js';
import { resolveOptions, type LabOptions, type Resolved } from './options.js';
import { netnsInode } from './processes.js';
import { nodeLayout, readState, writeState, type LabState, type NodeState } from './state.js';
import { labStatus, type LabStatus } from './status.js';
import { ensureSystemPackages } from './system-packages.js';

export interface UpOptions extends LabOptions {
  nodes: number;
  /** the lab bridge's subnet; default 10.200.0.0/24 (refused when it overlaps the machine's routes) */
  subnet?: string;
  /** image tarball cache; default /var/cache/skiff/lab/images */
  imageCacheDir?: string;
  /** dockerd flags after the lab's own; default --bridge=none --iptables=true --ip-forward=true */
  dockerdArgs?: readonly string[];
  /** install missing Debian packages (docker.io, busybox-static, ...); default true */
  installPackages?: boolean;
  readyTimeoutMs?: number;
}

export interface UpResult extends LabStatus {
  /** what up did, one line per change; empty when the lab already matched */
  changes: string[];
  images: CachedImage[];
}

async function planLabState(o: UpOptions, r: Resolved, prior: LabState | undefined): Promise<LabState> {
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 200) throw new LabError(`--nodes must be 1..200, got ${o.nodes}`);
  if (prior && prior.name !== r.names.lab) throw new LabError(`${r.stateDir} holds lab ${prior.name}, not ${r.names.lab}`);
  const cidr = o.subnet ?? prior?.subnet ?? DEFAULT_SUBNET;
  const subnet = parseSubnet(cidr);
  if (prior && prior.subnet !== formatSubnet(subnet)) {
    throw new LabError(`lab ${prior.name} runs on ${prior.subnet}; run down first to move it to ${cidr}`);
  }
  const host = { routes: await listRoutes(r.runner, undefined, 'all'), addresses: (await listLinks(r.runner)).flatMap((l) => l.addrs.map((a) => ({ cidr: a, dev: l.ifname }))) };
  const conflict = subnetConflict(subnet, host, r.names.bridge);
  if (conflict) {
    throw new LabError(`subnet ${formatSubnet(subnet)} cannot be used for lab ${r.names.lab}: ${conflict}; pick another with --subnet`);
  }
  const nodes: NodeState[] = [];
  for (let i = 1; i <= o.nodes; i++) nodes.push(nodeLayout(r.stateDir, r.names, i, nodeAddress(subnet, i)));
  return {
    version: 1,
    name: r.names.lab,
    hash: r.names.hash,
    stateDir: r.stateDir,
    subnet: formatSubnet(subnet),
    bridge: r.names.bridge,
    bridgeAddress: bridgeAddress(subnet),
    forwardChain: r.names.forwardChain,
    natChain: r.names.natChain,
    dockerdArgs: [...(o.dockerdArgs ?? prior?.dockerdArgs ?? DEFAULT_DOCKERD_ARGS)],
    nodes,
  };
}

async function ensureHostNetwork(r: Resolved, lab: LabState, changes: string[]): Promise<void> {
  const links = await listLinks(r.runner);
  const plan = [
    ...planBridge(links.find((l) => l.ifname === lab.bridge), { bridge: lab.bridge, address: `${lab.bridgeAddress}/${lab.subnet.split('/')[1]}` }),
    ...planHostForwarding(await hostIpForward()),
    ...planLabRules(await observeLabRules(r.runner, lab), lab),
  ];
  await runPlan(r.runner, plan);
  changes.push(...plan.map((c) => `host: ${formatCommand(c)}`));
}

async function ensureNode(r: Resolved, lab: LabState, node: NodeState, images: Promise<CachedImage[]>, timeoutMs: number, changes: string[]): Promise<void> {
  await mkdir(node.dir, { recursive: true });
  const net = await ensureNodeNetwork(r.runner, lab, node, await listLinks(r.runner));
  changes.push(...net.map((c) => `${node.name}: ${formatCommand(c)}`));
  if ((await runningDockerd(node)) === undefined) {
    // Whatever is left of an engine (containerd, shims, a dockerd in a namespace removed by hand) goes first.
    await stopNodeProcesses(node, undefined);
    await startDockerd(node, lab.dockerdArgs);
    changes.push(`${node.name}: started dockerd`);
    r.log('started dockerd', { node: node.name, socket: node.socket });
  }
  await waitEngineReady(node, timeoutMs);
  const loaded = await loadImages(new SocketEngineApi(node.socket), await images);
  if (loaded.length > 0) changes.push(`${node.name}: loaded ${loaded.join(' ')}`);
}

export async function up(o: UpOptions): Promise<UpResult> {
  const r = resolveOptions(o);
  if (o.installPackages ?? true) {
    const installed = await ensureSystemPackages(r.runner, (m) => r.log(m));
    if (installed.length > 0) r.log('installed Debian packages', { packages: installed.join(' ') });
  }
  const prior = await readState(r.stateDir);
  const lab = await planLabState(o, r, prior);
  const changes: string[] = [];
  const extra = (prior?.nodes ?? []).filter((n) => n.index > o.nodes);
  // Record everything before making it, so `down` finds it even if up dies half way.
  await writeState({ ...lab, nodes: [...lab.nodes, ...extra] });
  for (const n of extra) {
    await teardownNode(r, n, await listLinks(r.runner));
    changes.push(`${n.name}: removed`);
  }
  if (extra.length > 0) await writeState(lab);
  const images = ensureImages(r.runner, o.imageCacheDir ?? DEFAULT_IMAGE_CACHE);
  images.catch(() => {}); // awaited by every node below; this only keeps an early failure from going unhandled
  await ensureHostNetwork(r, lab, changes);
  const timeoutMs = o.readyTimeoutMs ?? 60000;
  const results = await Promise.allSettled(lab.nodes.map((n) => ensureNode(r, lab, n, images, timeoutMs, changes)));
  const failed = results.flatMap((x, i) => (x.status === 'rejected' ? [`${lab.nodes[i]!.name}: ${(x.reason as Error).message}`] : []));
  if (failed.length > 0) throw new LabError(`lab ${lab.name} is not up:\n  ${failed.join('\n  ')}`);
  for (const c of changes) r.log('change', { what: c });
  const st = await labStatus(lab);
  return { ...st, changes, images: await images };
}

/** The inode of a node's namespace (for tests and tools that compare namespaces). */
export async function nodeNetnsInode(node: Pick<NodeState, 'netns'>): Promise<number | undefined> {
  return netnsInode(`/run/netns/${node.netns}`);
}
