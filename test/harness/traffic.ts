// A client loop for end-to-end tests: one child process (in a lab node's namespace or on the host)
// sending HTTP GETs to one address, a new connection each, one after another, and printing every
// request's start, end, outcome and body. The test reads failures, outages (a run of failed requests
// measured from the first failure's start to the next success's start) and which bodies answered.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Sample {
  start: number;
  end: number;
  ok: boolean;
  /** the body's last line on success, the error otherwise */
  body: string;
}

export interface TrafficTarget {
  /** the loop's name in messages, e.g. "n2 -> ClusterIP" */
  name: string;
  ip: string;
  port: number;
  /** run in this lab node's network namespace (nsenter --net); on the host without */
  netns?: string;
  /** a request that takes longer fails (default 900 ms) */
  timeoutMs?: number;
  /** pause between requests (default 30 ms) */
  pauseMs?: number;
}

export interface Outage {
  start: number;
  ms: number;
  /** the errors seen in it */
  errors: string[];
}

// Runs as `node -e LOOP ip port timeoutMs pauseMs`; ends on SIGTERM after the request in flight.
const LOOP = `
const http = require('node:http');
const [ip, port, timeout, pause] = process.argv.slice(1);
let stop = false;
process.on('SIGTERM', () => { stop = true; });
function done(start, ok, body) {
  process.stdout.write(JSON.stringify([start, Date.now(), ok, body]) + '\\n');
  if (stop) process.exit(0); else setTimeout(once, Number(pause));
}
function once() {
  const start = Date.now();
  let settled = false;
  const finish = (ok, body) => { if (!settled) { settled = true; done(start, ok, body); } };
  const req = http.get({ host: ip, port: Number(port), path: '/', agent: false, timeout: Number(timeout), headers: { connection: 'close' } }, (res) => {
    let b = '';
    res.on('data', (d) => (b += d));
    res.on('end', () => finish(res.statusCode === 200, res.statusCode === 200 ? b.trim().split('\\n').pop() : 'HTTP ' + res.statusCode));
    res.on('error', (e) => finish(false, e.message));
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (e) => finish(false, e.code || e.message));
}
once();
`;

export class TrafficLoop {
  readonly samples: Sample[] = [];
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private stderr = '';

  constructor(readonly target: TrafficTarget) {
    const args = ['-e', LOOP, target.ip, String(target.port), String(target.timeoutMs ?? 900), String(target.pauseMs ?? 30)];
    this.child = target.netns
      ? spawn('nsenter', [`--net=/run/netns/${target.netns}`, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const [start, end, ok, body] = JSON.parse(line) as [number, number, boolean, string];
      this.samples.push({ start, end, ok, body });
    });
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr += b.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', () => resolve()));
  }

  /** the samples whose request started in [from, to) */
  between(from: number, to = Infinity): Sample[] {
    return this.samples.filter((s) => s.start >= from && s.start < to);
  }

  /** every run of failed requests started in [from, to), longest first */
  outages(from: number, to = Infinity): Outage[] {
    const all: Outage[] = [];
    let current: Outage | undefined;
    let lastEnd = from;
    for (const s of this.between(from, to)) {
      lastEnd = s.end;
      if (!s.ok) {
        current ??= { start: s.start, ms: 0, errors: [] };
        current.errors.push(s.body);
        continue;
      }
      if (current) {
        current.ms = s.start - current.start;
        all.push(current);
        current = undefined;
      }
    }
    if (current) all.push({ ...current, ms: lastEnd - current.start });
    return all.sort((a, b) => b.ms - a.ms);
  }

  /** what the loop saw in [from, to), for assertion messages */
  summary(from: number, to = Infinity): string {
    const s = this.between(from, to);
    const failed = s.filter((x) => !x.ok);
    const longest = this.outages(from, to)[0];
    return `${this.target.name}: ${s.length} requests, ${failed.length} failed${longest ? `, longest outage ${longest.ms} ms at +${longest.start - from} ms (${[...new Set(longest.errors)].join(', ')})` : ''}`;
  }

  /** ends the loop after its request in flight; rejects when it died on its own */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) throw new Error(`traffic loop ${this.target.name} exited ${this.child.exitCode}: ${this.stderr}`);
    this.child.kill('SIGTERM');
    await this.exited;
  }

  /** for cleanup after a failure: kills the loop at once */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

export function startTraffic(target: TrafficTarget): TrafficLoop {
  return new TrafficLoop(target);
}
