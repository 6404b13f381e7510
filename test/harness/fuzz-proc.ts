// skiff-apiserver as a child process (so that a test can kill -9 it), and small waiting helpers.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@skiff/machinery';
import { freePort, killOnExit } from './etcd.js';
import { poll } from './eventually.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const apiserverMain = join(repoRoot, 'packages/apiserver/dist/main.js');

export interface ApiServerProcess {
  /** host:port of the gRPC server. */
  address: string;
  port: number;
  proc: ChildProcess;
  /** The last few KB of its output, for failure messages. */
  output(): string;
  /** SIGKILL (or `signal`) and wait for the exit; a no-op when it already exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node packages/apiserver/dist/main.js` on `port` (a free one by default) and waits until it answers. */
export async function spawnApiServer(etcdEndpoint: string, opts: { port?: number; readyTimeoutMs?: number } = {}): Promise<ApiServerProcess> {
  const port = opts.port ?? (await freePort());
  const address = `127.0.0.1:${port}`;
  const proc = spawn(process.execPath, [apiserverMain, '--etcd-servers', etcdEndpoint, '--listen', address, '--http-listen', ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(proc);
  let out = '';
  const keep = (d: Buffer): void => {
    out = (out + d.toString()).slice(-8000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const p: ApiServerProcess = {
    address,
    port,
    proc,
    output: () => out,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      await exited;
    },
  };
  const client = createClient({ server: address, timeoutMs: 1000, userAgent: `skiff-test-probe-${port}` });
  try {
    await eventually(`skiff-apiserver on ${address} to answer`, opts.readyTimeoutMs ?? 30_000, async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`skiff-apiserver exited (${proc.exitCode ?? proc.signalCode}): ${out}`);
      await client.discovery();
      return true;
    });
  } catch (e) {
    await p.kill();
    throw e;
  } finally {
    client.close();
  }
  return p;
}

/** Polls `f` (see poll), giving up at once when the apiserver process has exited. */
export function eventually<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>, intervalMs = 50): Promise<T> {
  return poll(what, timeoutMs, f, { intervalMs, giveUpOn: (e) => /skiff-apiserver exited/.test(String(e)) });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
