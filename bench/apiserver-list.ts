// Benchmark: the list part of `npm run bench -- apiserver` alone (bench/lib/list-bench.ts), on a
// private etcd and skiff-apiserver of its own.
//
//   npm run bench -- apiserver-list [--pods 50000] [--nodes 5000] [--samples 200]
//
// Last line of stdout: one JSON object with every figure.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClient } from '@skiff/machinery';
import { startApiServer, startEtcd, UNLIMITED, type BenchApiServer, type BenchEtcd } from './lib/apiserver-etcd.js';
import { runListBench } from './lib/list-bench.js';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: { pods: { type: 'string', default: '50000' }, nodes: { type: 'string', default: '5000' }, samples: { type: 'string', default: '200' } },
  strict: true,
});
const root = new URL('../..', import.meta.url).pathname;
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);
let dir: string | undefined = mkdtempSync(join(tmpdir(), 'skiff-bench-list-'));
let etcdProc: BenchEtcd | undefined;
let apiProc: BenchApiServer | undefined;
const cleanup = (): void => {
  apiProc?.killNow();
  etcdProc?.killNow();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
};
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => (cleanup(), process.exit(130)));

try {
  etcdProc = await startEtcd(dir);
  apiProc = await startApiServer(root, etcdProc.endpoint);
  const client = createClient({ server: apiProc.address, userAgent: 'bench-list', rateLimit: UNLIMITED });
  try {
    const res = await runListBench({ client, etcdEndpoint: etcdProc.endpoint, pods: Number(args.pods), nodes: Number(args.nodes), samples: Number(args.samples), log });
    console.log('');
    for (const [m, v, peer, target, ok] of res.rows) console.log(`${m.padEnd(56)} ${v.padStart(9)}  ${peer.padEnd(14)} ${target.padStart(8)} ${ok}`);
    console.log(JSON.stringify(res.figures));
  } finally {
    client.close();
  }
} catch (e) {
  process.stderr.write(`list bench failed: ${(e as Error)?.stack ?? String(e)}\n`);
  if (apiProc) process.stderr.write(`--- skiff-apiserver log tail ---\n${apiProc.logTail()}\n`);
  process.exitCode = 1;
} finally {
  await apiProc?.stop().catch(() => {});
  await etcdProc?.stop().catch(() => {});
  cleanup();
  setTimeout(() => process.exit(), 2000).unref();
}
