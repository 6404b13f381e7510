// The peer figure for `lab-up`: the same dockerds started by hand, in parallel, in bare network
// namespaces (no bridge, no veth), so the time is dockerd's own start time. "The same" includes their
// data: each bare data root is filled from the lab's engine seed before the clock starts, so both
// sides start engines that hold the same images.
import { execFile, spawn } from 'node:child_process';
import { mkdir, open, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_DOCKERD_ARGS, dockerdCommand, READY_POLL_MS, seedDataRoot, SocketEngineApi, type NodeState } from '@skiff/lab';
import { promisify } from 'node:util';

const exec = promisify(execFile);

async function waitReady(socket: string, timeoutMs: number): Promise<void> {
  // The lab's own Engine API client, so both sides ping an engine alike.
  const engine = new SocketEngineApi(socket);
  const deadline = Date.now() + timeoutMs;
  while (!(await engine.ping())) {
    if (Date.now() > deadline) throw new Error(`bare dockerd on ${socket} did not answer`);
    // The same poll interval as skiff-lab's waitEngineReady, so both sides see an engine alike.
    await sleep(READY_POLL_MS);
  }
}

async function alive(pid: number): Promise<boolean> {
  try {
    const s = await readFile(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/.test(s);
  } catch {
    return false;
  }
}

export function bareNodes(dir: string, tag: string, count: number): NodeState[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `n${i + 1}`;
    const d = join(dir, name);
    return {
      name,
      index: i + 1,
      netns: `skiff-bench-${tag}-${name}`,
      veth: '',
      address: '',
      dir: d,
      dataRoot: join(d, 'docker'),
      execRoot: join(d, 'exec'),
      socket: join(d, 'docker.sock'),
      pidfile: join(d, 'dockerd.pid'),
      logFile: join(d, 'dockerd.log'),
      cgroupParent: `skiff-bench-${tag}-${name}`,
      containerdNamespace: `skiff-bench-${tag}-${name}`,
    };
  });
}

/**
 * Creates the namespaces and, from `seed`, the data roots (not timed), then returns the seconds from
 * spawning to every engine answering.
 */
export async function bareUp(nodes: readonly NodeState[], seed?: string): Promise<number> {
  for (const n of nodes) {
    await exec('ip', ['netns', 'add', n.netns]);
    await mkdir(n.dir, { recursive: true });
    await writeFile(join(n.dir, 'daemon.json'), '{}\n');
    if (seed) await seedDataRoot(seed, n.dataRoot);
  }
  const started = performance.now();
  await Promise.all(
    nodes.map(async (n) => {
      const log = await open(n.logFile, 'a');
      const child = spawn('nsenter', dockerdCommand(n, DEFAULT_DOCKERD_ARGS), { detached: true, stdio: ['ignore', log.fd, log.fd] });
      child.unref();
      await log.close();
      await waitReady(n.socket, 60_000);
    }),
  );
  return (performance.now() - started) / 1000;
}

/** Stops the engines (SIGTERM, by pidfile), unmounts, removes the namespaces and dirs; returns seconds. */
export async function bareDown(nodes: readonly NodeState[]): Promise<number> {
  const started = performance.now();
  await Promise.all(
    nodes.map(async (n) => {
      const pid = Number((await readFile(n.pidfile, 'utf8').catch(() => '0')).trim());
      if (pid > 1) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {}
        const deadline = Date.now() + 15_000;
        while ((await alive(pid)) && Date.now() < deadline) await sleep(20);
      }
      const containerd = Number((await readFile(join(n.execRoot, 'containerd/containerd.pid'), 'utf8').catch(() => '0')).trim());
      if (containerd > 1 && (await alive(containerd))) {
        const args = await readFile(`/proc/${containerd}/cmdline`, 'utf8').catch(() => '');
        if (args.includes(n.execRoot)) process.kill(containerd, 'SIGKILL');
      }
      const mounts = (await readFile('/proc/self/mountinfo', 'utf8'))
        .split('\n')
        .map((l) => l.split(' ')[4] ?? '')
        .filter((p) => p.startsWith(`${n.dir}/`))
        .sort((a, b) => b.length - a.length);
      for (const m of mounts) await exec('umount', ['-l', m]).catch(() => {});
      await exec('ip', ['netns', 'del', n.netns]).catch(() => {});
      await rm(n.dir, { recursive: true, force: true });
    }),
  );
  const controllers = await readdir('/sys/fs/cgroup').catch(() => [] as string[]);
  for (const n of nodes) for (const c of controllers) await rmdir(join('/sys/fs/cgroup', c, n.cgroupParent)).catch(() => {});
  return (performance.now() - started) / 1000;
}
