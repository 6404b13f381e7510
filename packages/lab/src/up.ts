// `up`: makes the lab match its spec, and repairs only what is missing. On a running lab it changes
// nothing; after a dockerd was killed or a namespace removed, it restores just that.
import { existsSync, mkdirSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bridgeAddress, formatSubnet, nodeAddress, parseSubnet, subnetConflict, DEFAULT_SUBNET } from './subnet.js';
import { planBridge, planHostForwarding } from './bridge.js';
import { formatCommand, runPlan } from './command.js';
import { DEFAULT_DOCKERD_ARGS, runningDockerd, startDockerd, stopNodeProcesses, waitEngineReady } from './dockerd.js';
import { SocketEngineApi } from './engine-api.js';
import { ensureEngineSeed, existingEngineSeed, seedDataRoot, type SeedBuild } from './engine-seed.js';
import { LabError } from './errors.js';
import { DEFAULT_IMAGE_CACHE, ensureImages, LAB_RECIPES, loadImages, recipeHash, type CachedImage } from './images.js';
import { listLinks, listRoutes, type IpLink } from './ip-link.js';
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
  /**
   * images new nodes start with ready built, with the build cache of every step (engine-seed.ts):
   * a `docker build` of the same context on a node then finds each step cached
   */
  seedBuilds?: readonly SeedBuild[];
}

export interface UpResult extends LabStatus {
  /** what up did, one line per change; empty when the lab already matched */
  changes: string[];
  images: CachedImage[];
}

/** The lab's spec, from the options and the lab as recorded: nothing is observed or made. */
function labSpec(o: UpOptions, r: Resolved, prior: LabState | undefined): LabState {
  if (!Number.isInteger(o.nodes) || o.nodes < 1 || o.nodes > 200) throw new LabError(`--nodes must be 1..200, got ${o.nodes}`);
  if (prior && prior.name !== r.names.lab) throw new LabError(`${r.stateDir} holds lab ${prior.name}, not ${r.names.lab}`);
  const cidr = o.subnet ?? prior?.subnet ?? DEFAULT_SUBNET;
  const subnet = parseSubnet(cidr);
  if (prior && prior.subnet !== formatSubnet(subnet)) {
    throw new LabError(`lab ${prior.name} runs on ${prior.subnet}; run down first to move it to ${cidr}`);
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

/** The host's links (to plan the bridge and veths from), once its routes and addresses are known
 * not to clash with the lab's subnet. */
async function observeHost(r: Resolved, lab: LabState): Promise<IpLink[]> {
  const [routes, links] = await Promise.all([listRoutes(r.runner, undefined, 'all'), listLinks(r.runner)]);
  const host = { routes, addresses: links.flatMap((l) => l.addrs.map((a) => ({ cidr: a, dev: l.ifname }))) };
  const conflict = subnetConflict(parseSubnet(lab.subnet), host, r.names.bridge);
  if (conflict) {
    throw new LabError(`subnet ${lab.subnet} cannot be used for lab ${r.names.lab}: ${conflict}; pick another with --subnet`);
  }
  return links;
}

/**
 * Seeds the data roots of new nodes from a seed that exists already, while the host is observed
 * (files under the state dir only; the seed is in the image cache). Returns the nodes it seeded,
 * and the node directories it made (to remove if up is refused).
 */
async function preseed(
  lab: LabState,
  images: Promise<CachedImage[]>,
  observed: Promise<unknown>,
  cacheDir: string,
  builds: readonly SeedBuild[],
): Promise<{ seeded: NodeState[]; madeDirs: string[] }> {
  const none = { seeded: [], madeDirs: [] };
  if (!needsSeed(lab)) return none;
  // Cached images are known at once; building them (the first up) is not waited for here.
  const ready = await Promise.race([images.catch(() => undefined), observed.then(() => undefined, () => undefined)]);
  const seed = ready && existingEngineSeed(cacheDir, ready, builds);
  if (!seed) return none;
  const seeded: NodeState[] = [];
  const madeDirs: string[] = [];
  for (const n of lab.nodes) {
    const fresh = !existsSync(n.dir);
    if (!(await seedDataRoot(seed, n.dataRoot))) continue;
    seeded.push(n);
    if (fresh) madeDirs.push(n.dir);
  }
  return { seeded, madeDirs };
}

async function ensureHostNetwork(r: Resolved, lab: LabState, links: IpLink[], changes: string[]): Promise<void> {
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
  /** the host's links, observed before anything was made (the bridge and host rules touch no veth) */
  links: IpLink[];
  /** runs each node's seed copy and engine spawn in turn (see startNodeEngine) */
  inTurn: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** Runs the functions given to it one after the other, in the order they were given. */
function oneAtATime(): <T>(fn: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (fn) => {
    const run = last.then(fn);
    last = run.catch(() => {});
    return run;
  };
}

interface NodeStart {
  /** the namespace was just made (nothing inside to observe) */
  fresh: boolean;
  /** pid of the engine just started, undefined when it already ran */
  pid?: number;
  startedAt?: number;
}

/** A node's engine starts as early as possible: it needs only the namespace (and the seeded data root). */
async function startNodeEngine(r: Resolved, lab: LabState, node: NodeState, inputs: NodeInputs, changes: string[]): Promise<NodeStart> {
  // Synchronous checks up to the namespace's creation: without a pidfile no engine is found running
  // (a new node's directory may exist already, made by preseed).
  mkdirSync(node.dir, { recursive: true });
  if (existsSync(node.pidfile) && (await runningDockerd(node)) !== undefined) return { fresh: false };
  // Whatever is left of an engine (containerd, shims, a dockerd in a namespace removed by hand)
  // goes first; a node whose exec root never existed has nothing left.
  if (existsSync(node.execRoot)) await stopNodeProcesses(node, undefined);
  let fresh = false;
  let made: Promise<unknown> | undefined;
  if (!existsSync(`/run/netns/${node.netns}`)) {
    // `ip` makes the namespace in a process of its own (while this one may still seed the data root).
    made = r.runner.run('ip', ['netns', 'add', node.netns]);
    made.catch(() => {});
    changes.push(`${node.name}: ip netns add ${node.netns}`);
    fresh = true;
  }
  // One node at a time, each engine spawned as soon as its own data root is seeded (when up could
  // not seed it earlier, see preseed): the first engine then starts one seed copy after the inputs
  // are ready rather than after every node's copy.
  const seed = await inputs.seed;
  return inputs.inTurn(async () => {
    if (seed && (await seedDataRoot(seed, node.dataRoot))) changes.push(`${node.name}: seeded the data root`);
    await made;
    const pid = await startDockerd(node, lab.dockerdArgs);
    changes.push(`${node.name}: started dockerd`);
    return { fresh, pid, startedAt: performance.now() };
  });
}

/**
 * The rest of a node once its engine started: its network (after the bridge and host rules, set up
 * while the engines boot), then the engine must answer and hold every image.
 */
async function ensureNode(
  r: Resolved,
  lab: LabState,
  node: NodeState,
  start: Promise<NodeStart>,
  host: Promise<void>,
  inputs: NodeInputs,
  timeoutMs: number,
  changes: string[],
): Promise<void> {
  const { fresh, pid, startedAt } = await start;
  await host;
  // A host veth seen before the namespace was made again belonged to the removed namespace: the
  // kernel destroys it shortly after, so look again rather than plan from what may be gone.
  const stale = fresh && inputs.links.some((l) => l.ifname === node.veth);
  // An engine just started turned the namespace's IP forwarding on (startDockerd).
  const net = await ensureNodeNetwork(r.runner, lab, node, stale ? await listLinks(r.runner) : inputs.links, fresh, pid !== undefined);
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
  const cacheDir = o.imageCacheDir ?? DEFAULT_IMAGE_CACHE;
  // The image recipes' hashes only read the host's files (and a memo in the cache).
  const hashes = LAB_RECIPES.map((recipe) => recipeHash(r.runner, recipe, cacheDir));
  for (const h of hashes) h.catch(() => {});
  const prior = await readState(r.stateDir);
  const lab = labSpec(o, r, prior);
  // The host's routes and addresses are read (the subnet must not clash) while the new nodes' data
  // roots are seeded: a few dozen small files each, copied before any engine starts and competes.
  const observing = observeHost(r, lab);
  observing.catch(() => {});
  const images = ensureImages(r.runner, cacheDir, LAB_RECIPES, hashes);
  images.catch(() => {});
  const builds = o.seedBuilds ?? [];
  const preseeded = await preseed(lab, images, observing, cacheDir, builds);
  let observed: IpLink[];
  try {
    observed = await observing;
  } catch (e) {
    for (const d of preseeded.madeDirs) await rm(d, { recursive: true, force: true });
    if (preseeded.madeDirs.length > 0) await rmdir(join(r.stateDir, 'nodes')).catch(() => {});
    throw e;
  }
  const changes: string[] = preseeded.seeded.map((n) => `${n.name}: seeded the data root`);
  const extra = (prior?.nodes ?? []).filter((n) => n.index > o.nodes);
  // Record everything before making it, so `down` finds it even if up dies half way.
  await writeState({ ...lab, nodes: [...lab.nodes, ...extra] });
  for (const n of extra) {
    await teardownNode(r, n, await listLinks(r.runner));
    changes.push(`${n.name}: removed`);
  }
  if (extra.length > 0) await writeState(lab);
  const links = extra.length > 0 ? await listLinks(r.runner) : observed;
  const seed = needsSeed(lab)
    ? images
        .then((i) =>
          ensureEngineSeed(r.runner, cacheDir, i, builds).catch((e: unknown) => {
            if (builds.length === 0) throw e;
            r.log('no engine seed with the builds, using the one without', { error: e instanceof Error ? e.message : String(e) });
            return ensureEngineSeed(r.runner, cacheDir, i);
          }),
        )
        .catch((e: unknown) => {
          r.log('no engine seed, loading images instead', { error: e instanceof Error ? e.message : String(e) });
          return undefined;
        })
    : Promise.resolve(undefined);
  const inputs: NodeInputs = { images, seed, links, inTurn: oneAtATime() };
  // Engines first (they take the longest); the host network is set up once they are started, so its
  // commands do not delay them, and it is done long before they answer.
  const starts = lab.nodes.map((n) => startNodeEngine(r, lab, n, inputs, changes));
  const host = Promise.allSettled(starts).then(() => ensureHostNetwork(r, lab, links, changes));
  // Each is awaited by every node below; these only keep an early failure from going unhandled.
  host.catch(() => {});
  for (const s of starts) s.catch(() => {});
  const timeoutMs = o.readyTimeoutMs ?? 60000;
  const results = await Promise.allSettled(lab.nodes.map((n, i) => ensureNode(r, lab, n, starts[i]!, host, inputs, timeoutMs, changes)));
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
