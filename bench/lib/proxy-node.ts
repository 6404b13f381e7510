// Helpers of the proxy benchmark: a private network namespace (its own iptables), a unix socket
// relay to the apiserver (sockets cross network namespaces), skiff-proxy running in the namespace
// with its JSON log parsed, dnsmasq as the DNS peer, and a UDP query load generator run inside the
// namespace. Everything started here is stopped by the caller's finally blocks.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server } from 'node:net';
import { encode } from 'dns-packet';

/** The namespaces and processes alive now, for a signal handler: removeAll() takes them down. */
const live = new Set<{ kill(): void }>();

export function removeAll(): void {
  for (const x of [...live]) {
    try {
      x.kill();
    } catch {
      // best effort on the way out
    }
  }
}

export class NetNs {
  readonly name = `skiff-bp-${randomBytes(4).toString('hex')}`;
  readonly path = `/var/run/netns/${this.name}`;
  private created = false;
  private readonly handle = { kill: () => this.remove() };

  create(): this {
    execFileSync('ip', ['netns', 'add', this.name]);
    this.created = true;
    live.add(this.handle);
    this.exec('ip', 'link', 'set', 'lo', 'up');
    return this;
  }

  exec(cmd: string, ...args: string[]): string {
    return execFileSync('nsenter', [`--net=${this.path}`, cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  }

  remove(): void {
    if (!this.created) return;
    this.created = false;
    live.delete(this.handle);
    execFileSync('ip', ['netns', 'del', this.name]);
  }
}

/** Relays connections on a unix socket to host:port (the apiserver on the host's loopback). */
export function relay(path: string, target: string): Promise<Server> {
  const i = target.lastIndexOf(':');
  const server = createServer((c) => {
    const up = connect(Number(target.slice(i + 1)), target.slice(0, i));
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  return new Promise((ok) => server.listen(path, () => ok(server)));
}

export interface LogLine {
  ts: string;
  level: string;
  msg: string;
  [k: string]: unknown;
}

/** skiff-proxy in the namespace (`nsenter --net` execs node, so the pid is the proxy's). */
export class ProxyProcess {
  readonly proc: ChildProcess;
  private tail = '';
  private buf = '';
  private waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];

  constructor(ns: NetNs, main: string, args: string[], nodeFlags: readonly string[] = []) {
    this.proc = spawn('nsenter', [`--net=${ns.path}`, process.execPath, ...nodeFlags, main, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SKIFF_LOG_LEVEL: 'debug' },
    });
    const onData = (b: Buffer): void => {
      this.tail = (this.tail + b.toString()).slice(-4000);
      this.buf += b.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        let parsed: LogLine;
        try {
          parsed = JSON.parse(line) as LogLine;
        } catch {
          continue;
        }
        this.onLine(parsed);
      }
    };
    this.proc.stdout?.on('data', onData);
    this.proc.stderr?.on('data', onData);
    const handle = { kill: () => this.proc.kill('SIGKILL') };
    live.add(handle);
    this.proc.once('exit', () => live.delete(handle));
  }

  private onLine(l: LogLine): void {
    if (l.level === 'error' || l.level === 'warn') process.stderr.write(`[skiff-proxy ${l.level}] ${JSON.stringify(l)}\n`);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(l)) return true;
      w.resolve(l);
      return false;
    });
  }

  /** The next log line matching, or an error after timeoutMs or when the process exits. */
  next(match: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const onExit = (): void => fail(new Error(`skiff-proxy exited while waiting for ${what}: ${this.tail}`));
      const t = setTimeout(() => fail(new Error(`no ${what} within ${timeoutMs} ms: ${this.tail}`)), timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        this.proc.off('exit', onExit);
      };
      const fail = (e: Error): void => {
        done();
        this.waiters = this.waiters.filter((w) => w.resolve !== ok);
        reject(e);
      };
      const ok = (l: LogLine): void => {
        done();
        resolve(l);
      };
      this.proc.once('exit', onExit);
      this.waiters.push({ match, resolve: ok });
    });
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}

/** dnsmasq answering `name` from a host record, no upstream, in the namespace on ip:53. */
export function startDnsmasq(ns: NetNs, ip: string, name: string, answer: string): ChildProcess {
  const c = spawn(
    'nsenter',
    [`--net=${ns.path}`, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-negcache', `--listen-address=${ip}`, '--bind-interfaces', '--port=53', `--host-record=${name},${answer}`, '--user=root', '--pid-file='],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const handle = { kill: () => c.kill('SIGKILL') };
  live.add(handle);
  c.once('exit', () => live.delete(handle));
  return c;
}

/** Inside the namespace: `sockets` UDP sockets each keep one query in flight for `seconds`; prints answers. */
const LOAD = `
const [host, hex, sockets, seconds] = process.argv.slice(1);
const dgram = await import('node:dgram');
const q = Buffer.from(hex, 'hex');
let answered = 0, bad = 0;
const end = Date.now() + Number(seconds) * 1000;
const all = [];
for (let i = 0; i < Number(sockets); i++) {
  const s = dgram.createSocket('udp4');
  let timer;
  const send = () => { clearTimeout(timer); if (Date.now() < end) { s.send(q, 53, host); timer = setTimeout(send, 200); } };
  s.on('message', (m) => { if ((m[3] & 15) === 0 && m.readUInt16BE(6) > 0) answered++; else bad++; send(); });
  s.bind(0, () => send());
  all.push(() => { clearTimeout(timer); s.close(); });
}
setTimeout(() => { for (const c of all) c(); process.stdout.write(JSON.stringify({ answered, bad })); }, Number(seconds) * 1000 + 50);
`;

/** Answered queries per second for `name` A at host:53, asked from inside the namespace. */
export function dnsQps(ns: NetNs, host: string, name: string, seconds: number, sockets = 32): { qps: number; bad: number } {
  const q = encode({ type: 'query', id: 1, flags: 1 << 8, questions: [{ name, type: 'A' }] });
  const out = ns.exec(process.execPath, '--input-type=module', '-e', LOAD, host, q.toString('hex'), String(sockets), String(seconds));
  const r = JSON.parse(out) as { answered: number; bad: number };
  return { qps: Math.round(r.answered / seconds), bad: r.bad };
}
