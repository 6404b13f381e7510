// Child processes of the apiserver benchmark: a private etcd (free ports, a data dir under the
// benchmark's temp dir) and skiff-apiserver as its own process, plus /proc readings of their RSS
// and CPU. Adapted from test/harness/etcd.ts (bench/ cannot import test/).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createClient, type Client } from '@skiff/machinery';
import { procStatusKb } from './proc-memory.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Child {
  proc: ChildProcess;
  pid: number;
  /** The last few KB of its stdout and stderr. */
  logTail(): string;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now, without waiting (for exit handlers). */
  killNow(): void;
}

/** A spawned process with the tail of its output and a stop that escalates to SIGKILL after `defaultGraceMs`. */
export function track(proc: ChildProcess, defaultGraceMs = 3000): Child {
  let log = '';
  const add = (d: Buffer): void => {
    log = (log + d.toString()).slice(-6000);
  };
  proc.stdout?.on('data', add);
  proc.stderr?.on('data', add);
  const exited = new Promise<void>((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) resolve();
    else proc.once('exit', () => resolve());
  });
  const alive = (): boolean => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    pid: proc.pid!,
    logTail: () => log,
    async stop(graceMs = defaultGraceMs) {
      if (!alive()) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => alive() && proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
    killNow() {
      if (alive()) proc.kill('SIGKILL');
    },
  };
}

export interface BenchEtcd extends Child {
  endpoint: string;
}

/** etcd on free ports with its data in `dir`; resolves once /health answers. */
export async function startEtcd(dir: string): Promise<BenchEtcd> {
  const clientPort = await freePort();
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  const proc = spawn(
    'etcd',
    [
      '--name', 'bench',
      '--data-dir', join(dir, 'etcd'),
      '--listen-client-urls', endpoint,
      '--advertise-client-urls', endpoint,
      '--listen-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
      '--initial-cluster', `bench=http://127.0.0.1:${peerPort}`,
      '--log-level', 'error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const child = track(proc);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`etcd exited: ${child.logTail()}`);
    try {
      const res = await fetch(`${endpoint}/health`);
      if (res.ok) return { ...child, endpoint };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.killNow();
  throw new Error(`etcd did not become healthy: ${child.logTail()}`);
}

export interface BenchApiServer extends Child {
  address: string;
}

/** `node packages/apiserver/dist/main.js` on free ports; resolves once Discovery answers. */
export async function startApiServer(
  root: string,
  etcdEndpoint: string,
  nodeArgs: string[] = [],
  serverArgs: string[] = [],
  env: Record<string, string> = {},
  /** A file that gets all of the apiserver's stdout and stderr (e.g. --trace-gc lines). */
  outFile?: string,
): Promise<BenchApiServer> {
  const address = `127.0.0.1:${await freePort()}`;
  const http = `127.0.0.1:${await freePort()}`;
  const proc = spawn(
    process.execPath,
    [...nodeArgs, join(root, 'packages/apiserver/dist/main.js'), '--etcd-servers', etcdEndpoint, '--listen', address, '--http-listen', http, ...serverArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: root, env: { ...process.env, SKIFF_LOG_LEVEL: process.env.SKIFF_LOG_LEVEL ?? 'warn', ...env } },
  );
  if (outFile) {
    const out = createWriteStream(outFile);
    proc.stdout?.pipe(out);
    proc.stderr?.pipe(out);
  }
  const child = track(proc);
  const probe: Client = createClient({ server: address, timeoutMs: 1000 });
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`skiff-apiserver exited (${proc.exitCode}): ${child.logTail()}`);
      try {
        await probe.discovery();
        return { ...child, address };
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`skiff-apiserver did not answer within 30 s: ${child.logTail()}`);
  } catch (e) {
    child.killNow();
    throw e;
  } finally {
    probe.close();
  }
}

export interface ProcSample {
  /** VmRSS, MB (MiB). */
  rssMb: number;
  /** VmHWM (peak RSS), MB. */
  hwmMb: number;
  /** utime + stime, seconds. */
  cpuS: number;
}

const CLK_TCK = 100;

export function procSample(pid: number): ProcSample {
  const kb = procStatusKb(pid);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuS: (utime + stime) / CLK_TCK };
}

/** CPU seconds of this (the benchmark) process. */
export function selfCpuS(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** A benchmark measures the server, so its clients skip client-side rate limiting (qps <= 0). */
export const UNLIMITED = { qps: 0 } as const;
