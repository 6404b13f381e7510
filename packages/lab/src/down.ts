// `down`: removes everything the lab made (containers, engines and their processes, mounts, cgroups,
// namespaces, veths, the bridge, its SKIFF- chains, its state), also when the state file is gone or
// up died half way: leftovers are found by the names and prefixes that derive from the lab's name.
// Nothing else is touched. Running it again is a no-op.
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { planRemoveBridge } from './bridge.js';
import { formatCommand } from './command.js';
import { stopNodeProcesses } from './dockerd.js';
import { SocketEngineApi } from './engine-api.js';
import { LabError } from './errors.js';
import { listLinks, listNetns, type IpLink } from './ip-link.js';
import { observeLabRules, planRemoveLabRules } from './iptables.js';
import { removeCgroupParent } from './cgroups.js';
import { mountsUnder, unmountUnder } from './mounts.js';
import { nodeIndex } from './names.js';
import { removeNodeNetwork } from './node-network.js';
import { lockLab } from './lock.js';
import { LOG_FILE, resolveOptions, type LabOptions, type Resolved } from './options.js';
import { netnsInode } from './processes.js';
import { nodeLayout, readState, STATE_FILE, type NodeState } from './state.js';

export interface DownResult {
  /** what down removed, one line each; empty when there was nothing */
  removed: string[];
}

async function removeContainers(node: NodeState): Promise<number> {
  const api = new SocketEngineApi(node.socket);
  if (!(await api.ping())) return 0;
  const ids = await api.containerIds().catch(() => [] as string[]);
  await Promise.all(ids.map((id) => api.removeContainer(id).catch(() => {})));
  return ids.length;
}

async function assertNothingMounted(dir: string): Promise<void> {
  const left = mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), dir);
  if (left.length > 0) throw new LabError(`still mounted under ${dir}: ${left.join(' ')}; not removing it`);
}

export async function teardownNode(r: Resolved, node: NodeState, hostLinks: IpLink[]): Promise<string[]> {
  const removed: string[] = [];
  const containers = await removeContainers(node);
  if (containers > 0) removed.push(`${node.name}: ${containers} containers`);
  await stopNodeProcesses(node, await netnsInode(`/run/netns/${node.netns}`));
  await unmountUnder(r.runner, node.dir);
  await removeCgroupParent(node.cgroupParent);
  const net = await removeNodeNetwork(r.runner, node, hostLinks);
  removed.push(...net.map((c) => `${node.name}: ${formatCommand(c)}`));
  await assertNothingMounted(node.dir);
  try {
    await readdir(node.dir);
    await rm(node.dir, { recursive: true, force: true });
    removed.push(`${node.name}: ${node.dir}`);
  } catch {}
  return removed;
}

/** Node indexes found on the machine for this lab: state, namespaces, veths and node dirs. */
async function leftoverIndexes(r: Resolved, hostLinks: IpLink[]): Promise<number[]> {
  const found = new Set<number>();
  for (const ns of await listNetns(r.runner)) {
    if (!ns.startsWith(r.names.netnsPrefix)) continue;
    const i = nodeIndex(ns.slice(r.names.netnsPrefix.length));
    if (i !== undefined) found.add(i);
  }
  for (const l of hostLinks) {
    if (!l.ifname.startsWith(r.names.vethPrefix)) continue;
    const rest = l.ifname.slice(r.names.vethPrefix.length);
    if (/^[1-9][0-9]{0,2}$/.test(rest)) found.add(Number(rest));
  }
  for (const d of await readdir(join(r.stateDir, 'nodes')).catch(() => [] as string[])) {
    const i = nodeIndex(d);
    if (i !== undefined) found.add(i);
  }
  return [...found];
}

export async function down(o: LabOptions = {}): Promise<DownResult> {
  const r = resolveOptions(o);
  const existed = await readdir(r.stateDir).then(
    () => true,
    () => false,
  );
  const lock = await lockLab(r.stateDir);
  let released = false;
  const release = async () => {
    if (!released) await lock.release();
    released = true;
  };
  try {
    const result = await downLocked(r, release);
    if (!existed) await rmdir(r.stateDir).catch(() => {});
    return result;
  } finally {
    await release();
  }
}

async function downLocked(r: Resolved, release: () => Promise<void>): Promise<DownResult> {
  const state = await readState(r.stateDir);
  if (state && state.name !== r.names.lab) throw new LabError(`${r.stateDir} holds lab ${state.name}, not ${r.names.lab}`);
  const hostLinks = await listLinks(r.runner);
  const nodes = new Map<number, NodeState>();
  for (const n of state?.nodes ?? []) nodes.set(n.index, n);
  for (const i of await leftoverIndexes(r, hostLinks)) if (!nodes.has(i)) nodes.set(i, nodeLayout(r.stateDir, r.names, i, ''));
  const removed: string[] = [];
  const results = await Promise.allSettled([...nodes.values()].map((n) => teardownNode(r, n, hostLinks)));
  for (const x of results) if (x.status === 'fulfilled') removed.push(...x.value);
  const bridge = planRemoveBridge(hostLinks.find((l) => l.ifname === r.names.bridge));
  const rules = planRemoveLabRules(await observeLabRules(r.runner, r.names), r.names);
  for (const c of [...bridge, ...rules]) {
    await r.runner.run(c.cmd, c.args, { allowFail: true });
    removed.push(`host: ${formatCommand(c)}`);
  }
  const failed = results.flatMap((x) => (x.status === 'rejected' ? [(x.reason as Error).message] : []));
  if (failed.length > 0) throw new LabError(`down of lab ${r.names.lab} left things behind:\n  ${failed.join('\n  ')}`);
  await unmountUnder(r.runner, r.stateDir);
  await assertNothingMounted(r.stateDir);
  await rm(join(r.stateDir, 'nodes'), { recursive: true, force: true });
  await rm(join(r.stateDir, LOG_FILE), { force: true });
  if (state) {
    await rm(join(r.stateDir, STATE_FILE), { force: true });
    removed.push(`state: ${r.stateDir}`);
  }
  await release();
  await rmdir(r.stateDir).catch(() => {});
  for (const x of removed) r.log('removed', { what: x });
  return { removed };
}
