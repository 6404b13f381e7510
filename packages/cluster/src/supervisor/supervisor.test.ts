import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statePaths } from '../state-dir.js';
import { READY_PROBE_MS, Supervisor, TICK_MS } from './supervisor.js';
import { writeTable, type SupervisorStatus } from './table.js';

// A process with a readiness URL: a tiny HTTP server on `port` that answers each request with the
// number of requests it has had, failing the first `notReadyFirst` with 503.
const server = (port: number, notReadyFirst: number) => `
const http = require('node:http');
let n = 0;
http.createServer((req, res) => { n++; res.statusCode = n <= ${notReadyFirst} ? 503 : 200; res.end(String(n)); }).listen(${port}, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, ms: number, f: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

void describe('Supervisor readiness probes', () => {
  void it('probes every tick until the process is ready, then every READY_PROBE_MS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'skiff-supervisor-'));
    const paths = statePaths(dir);
    const ac = new AbortController();
    const lines: string[] = [];
    const sup = new Supervisor(paths, (l) => lines.push(l));
    try {
      const port = await freePort();
      writeTable(paths.table, [{ name: 'web', argv: [process.execPath, '-e', server(port, 3)], readyUrl: `http://127.0.0.1:${port}/`, stopRank: 0 }]);
      const running = sup.run(ac.signal, new EventTarget());
      const status = () => JSON.parse(readFileSync(paths.supervisorStatus, 'utf8')) as SupervisorStatus;
      const readyAt = await until('ready', 10_000, () => {
        try {
          return status().processes[0]?.ready ? Date.now() : undefined;
        } catch {
          return undefined;
        }
      });
      assert.ok(lines.some((l) => l === 'web is ready'), lines.join('\n'));
      // three 503s, then the 200: four probes a tick apart, not one every READY_PROBE_MS
      const count = async () => Number(await (await fetch(`http://127.0.0.1:${port}/`)).text());
      const atReady = (await count()) - 1;
      assert.ok(atReady >= 4, `${atReady} probes until ready`);
      await sleep(READY_PROBE_MS + 10 * TICK_MS);
      const after = (await count()) - 2 - atReady; // less this test's own two requests
      const elapsed = Date.now() - readyAt;
      assert.ok(after >= 1 && after <= Math.ceil(elapsed / READY_PROBE_MS) + 1, `${after} probes in ${elapsed} ms once ready (every tick would be ~${Math.round(elapsed / TICK_MS)})`);
      ac.abort();
      await running;
    } finally {
      ac.abort();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
