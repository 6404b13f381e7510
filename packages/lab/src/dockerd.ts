// A node's Docker engine: dockerd started inside the node's network namespace with `nsenter --net`
// (`ip netns exec` remounts /sys and hides the cgroup mounts), with its own data root, exec root,
// socket, pidfile, log file, cgroup parent and containerd namespace.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SocketEngineApi } from './engine-api.js';
import { LabError } from './errors.js';
import { findLabProcesses, isAlive, netnsInode, pidFromPidfile, terminate } from './processes.js';
import type { NodeState } from './state.js';

/**
 * What the node agent wants: no docker0 (it makes its own bridge network on the node's pod CIDR),
 * Docker's iptables rules and forwarding on. `docker run` without `--network` still works then
 * (the container gets no network, like `--network none`). No userland proxy: Docker then puts every
 * bridge port in hairpin mode, so a pod reaches itself through a Service (the kubelet's
 * `hairpin-veth`); a VM's dockerd needs the same flag.
 */
export const DEFAULT_DOCKERD_ARGS: readonly string[] = ['--bridge=none', '--iptables=true', '--ip-forward=true', '--userland-proxy=false'];

export function dockerdCommand(node: NodeState, extraArgs: readonly string[]): string[] {
  return [
    `--net=/run/netns/${node.netns}`,
    'dockerd',
    `--config-file=${join(node.dir, 'daemon.json')}`,
    `--data-root=${node.dataRoot}`,
    `--exec-root=${node.execRoot}`,
    `--host=unix://${node.socket}`,
    `--pidfile=${node.pidfile}`,
    `--cgroup-parent=/${node.cgroupParent}`,
    `--containerd-namespace=${node.containerdNamespace}`,
    `--containerd-plugins-namespace=${node.containerdNamespace}-plugins`,
    ...extraArgs,
  ];
}

/** The engine's pid when it runs in the node's current namespace. */
export async function runningDockerd(node: NodeState): Promise<number | undefined> {
  const pid = await pidFromPidfile(node.pidfile);
  if (pid === undefined) return undefined;
  const want = await netnsInode(`/run/netns/${node.netns}`);
  const have = await netnsInode(`/proc/${pid}/ns/net`);
  return want !== undefined && want === have ? pid : undefined;
}

/**
 * Starts the engine with the node's net.ipv4.ip_forward on; returns its pid (nsenter execs sh, which
 * execs dockerd, so the child is dockerd itself).
 */
export async function startDockerd(node: NodeState, extraArgs: readonly string[]): Promise<number> {
  // Synchronous up to the spawn: a few small file operations, and the engine starts without waiting
  // for the thread pool behind other nodes' work.
  mkdirSync(node.dir, { recursive: true });
  // containerd writes stack dumps to $TMPDIR when dockerd gives up on it: keep them in the node dir.
  const tmp = join(node.dir, 'tmp');
  writeFileSync(join(node.dir, 'daemon.json'), '{}\n');
  // dockerd refuses a pidfile whose pid still has a /proc entry, and a killed engine can linger as a
  // zombie when nothing reaps it; the caller has checked that no engine runs.
  // The same holds for the pidfile of dockerd's managed containerd: dockerd would wait on a dead one.
  rmSync(node.pidfile, { force: true });
  rmSync(join(node.execRoot, 'containerd', 'containerd.pid'), { force: true });
  mkdirSync(tmp, { recursive: true });
  const log = openSync(node.logFile, 'a');
  try {
    // The node's IP forwarding is turned on by the shell that then becomes dockerd: a sysctl under
    // /proc/sys/net is per namespace, and this process is already in the node's, so it costs no spawn
    // of its own (up relies on it: see ensureNode).
    const [net, ...engine] = dockerdCommand(node, extraArgs);
    const child = spawn('nsenter', [net!, 'sh', '-c', `echo 1 > /proc/sys/net/ipv4/ip_forward && exec "$0" "$@"`, ...engine], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, TMPDIR: tmp },
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (e) => reject(new LabError(`cannot start dockerd for ${node.name}: ${e.message}`)));
    });
    child.unref();
    return child.pid ?? 0;
  } finally {
    closeSync(log);
  }
}

async function logTail(file: string, lines: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n  ');
}

/** How often a starting engine's socket is tried (a ping on a unix socket costs well under 1 ms). */
export const READY_POLL_MS = 10;

/** Waits until the engine answers; fails at once when `pid` (the engine just started) has exited. */
export async function waitEngineReady(node: NodeState, timeoutMs: number, pid?: number): Promise<void> {
  const api = new SocketEngineApi(node.socket);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await api.ping()) return;
    if (pid !== undefined && pid > 0 && !(await isAlive(pid))) {
      throw new LabError(`dockerd of ${node.name} exited; the end of ${node.logFile}:\n  ${await logTail(node.logFile, 5)}`);
    }
    if (Date.now() > deadline) {
      throw new LabError(`engine of ${node.name} did not answer on ${node.socket} within ${timeoutMs} ms (see ${node.logFile})`);
    }
    await sleep(READY_POLL_MS);
  }
}

/**
 * Stops the engine (by pidfile), then its containerd, shims and containers: every process left in the
 * node's namespace, in its cgroup parent or naming a path under the engine's exec root
 * (containerd and its shims).
 */
export async function stopNodeProcesses(node: NodeState, netns: number | undefined): Promise<void> {
  const dockerd = await pidFromPidfile(node.pidfile);
  if (dockerd !== undefined) await terminate([dockerd], 4000);
  const marks = {
    netnsInodes: new Set(netns === undefined ? [] : [netns]),
    cgroupParents: [node.cgroupParent],
    pathPrefix: node.execRoot,
  };
  const left = await findLabProcesses(marks);
  if (left.length > 0) await terminate(left, 1500);
}
