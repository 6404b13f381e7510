// `up`: makes the lab match its spec, and repairs only what is missing. On a running lab it changes
// nothing; after a dockerd was killed or a namespace removed, it restores just that.
import { existsSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import { bridgeAddress, formatSubnet, nodeAddress, parseSubnet, subnetConflict, DEFAULT_SUBNET } from './subnet.js';
import { planBridge, planHostForwarding } from './bridge.js';
import { formatCommand, runPlan } from './command.js';
import { DEFAULT_DOCKERD_ARGS, runningDockerd, startDockerd, stopNodeProcesses, waitEngineReady } from './dockerd.js';
import { SocketEngineApi } from './engine-api.js';
import { ensureEngineSeed, seedDataRoot } from './engine-seed.js';
import { LabError } from './errors.js';
import { DEFAULT_IMAGE_CACHE, ensureImages, loadImages, type CachedImage } from './images.js';
import { listLinks, listRoutes } from './ip-link.js';
import { observeLabRules, planLabRules } from './iptables.js';
import { ensureNodeNetwork, hostIpForward } from './node-network.js';
import { teardownNode } from './down.js';
import { lockLab } from './lock.js';
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
  // Unix socket paths (the engine's, and containerd's under the exec root) must fit 107 bytes.
  const longest = Math.max(...nodes.map((n) => Math.max(n.socket.length, `${n.execRoot}/containerd/containerd.sock.ttrpc`.length)));
  if (longest > 107) throw new LabError(`state dir ${r.stateDir} is too long for the engines' unix sockets: use a shorter --state-dir`);
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

interface NodeInputs {
  images: Promise<CachedImage[]>;
  /** the engine seed, undefined when it could not be made */
  seed: Promise<string | undefined>;
  /** the bridge and host rules (a node's veth needs the bridge) */
  host: Promise<void>;
}

/**
 * One node: its engine starts as early as possible (it needs only the namespace), while the rest of
 * the node's network is set up; then the engine must answer and hold every image.
 */
async function ensureNode(r: Resolved, lab: LabState, node: NodeState, inputs: NodeInputs, timeoutMs: number, changes: string[]): Promise<void> {
  await mkdir(node.dir, { recursive: true });
  let fresh = false;
  let startedAt: number | undefined;
  let pid: number | undefined;
  if ((await runningDockerd(node)) === undefined) {
    // Whatever is left of an engine (containerd, shims, a dockerd in a namespace removed by hand)
    // goes first; a node whose exec root never existed has nothing left.
    if (existsSync(node.execRoot)) await stopNodeProcesses(node, undefined);
    if ((await netnsInode(`/run/netns/${node.netns}`)) === undefined) {
      await r.runner.run('ip', ['netns', 'add', node.netns]);
      changes.push(`${node.name}: ip netns add ${node.netns}`);
      fresh = true;
    }
    const seed = await inputs.seed;
    if (seed && (await seedDataRoot(r.runner, seed, node.dataRoot))) changes.push(`${node.name}: seeded the data root`);
    pid = await startDockerd(node, lab.dockerdArgs);
    startedAt = performance.now();
    changes.push(`${node.name}: started dockerd`);
  }
  await inputs.host;
  const net = await ensureNodeNetwork(r.runner, lab, node, await listLinks(r.runner), fresh);
  changes.push(...net.map((c) => `${node.name}: ${formatCommand(c)}`));
  await waitEngineReady(node, timeoutMs, pid);
  if (startedAt !== undefined) r.log('engine ready', { node: node.name, startupMs: Math.round(performance.now() - startedAt) });
  const loaded = await loadImages(new SocketEngineApi(node.socket), await inputs.images);
  if (loaded.length > 0) changes.push(`${node.name}: loaded ${loaded.join(' ')}`);
}

/** A seed only helps nodes whose data root does not exist yet. */
function needsSeed(lab: LabState): boolean {
  return lab.nodes.some((n) => !existsSync(n.dataRoot));
}

export async function up(o: UpOptions): Promise<UpResult> {
  const r = resolveOptions(o);
  if (o.installPackages ?? true) {
    const installed = await ensureSystemPackages(r.runner, (m) => r.log(m));
    if (installed.length > 0) r.log('installed Debian packages', { packages: installed.join(' ') });
  }
  const existed = existsSync(r.stateDir);
  const lock = await lockLab(r.stateDir);
  try {
    return await upLocked(o, r);
  } finally {
    await lock.release();
    // An up refused before it recorded anything leaves no empty state dir behind.
    if (!existed) await rmdir(r.stateDir).catch(() => {});
  }
}

async function upLocked(o: UpOptions, r: Resolved): Promise<UpResult> {
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
  const cacheDir = o.imageCacheDir ?? DEFAULT_IMAGE_CACHE;
  const images = ensureImages(r.runner, cacheDir);
  const seed = needsSeed(lab)
    ? images.then((i) => ensureEngineSeed(r.runner, cacheDir, i)).catch((e: unknown) => {
        r.log('no engine seed, loading images instead', { error: e instanceof Error ? e.message : String(e) });
        return undefined;
      })
    : Promise.resolve(undefined);
  const host = ensureHostNetwork(r, lab, changes);
  // Each is awaited by every node below; these only keep an early failure from going unhandled.
  images.catch(() => {});
  host.catch(() => {});
  const timeoutMs = o.readyTimeoutMs ?? 60000;
  const inputs = { images, seed, host };
  const results = await Promise.allSettled(lab.nodes.map((n) => ensureNode(r, lab, n, inputs, timeoutMs, changes)));
  for (const c of changes) r.log('change', { what: c });
  await host;
  const failed = results.flatMap((x, i) => (x.status === 'rejected' ? [`${lab.nodes[i]!.name}: ${(x.reason as Error).message}`] : []));
  if (failed.length > 0) throw new LabError(`lab ${lab.name} is not up:\n  ${failed.join('\n  ')}`);
  const st = await labStatus(lab);
  return { ...st, changes, images: await images };
}

/** The inode of a node's namespace (for tests and tools that compare namespaces). */
export async function nodeNetnsInode(node: Pick<NodeState, 'netns'>): Promise<number | undefined> {
  return netnsInode(`/run/netns/${node.netns}`);
}
