// Helpers for the lab's end-to-end tests: run the skiff-lab CLI, pick subnets that collide with
// nothing on the machine, run commands inside a node's namespace.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { poll } from './eventually.js';

export const repoRoot = new URL('../../../', import.meta.url).pathname;
export const labCli = join(repoRoot, 'packages/lab/dist/main.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: readonly string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => {});
      child.stdin.end(input);
    }
  });
}

export async function mustRun(cmd: string, args: readonly string[], input?: string): Promise<string> {
  const r = await run(cmd, args, input);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** A lab of the test's own: a unique name, a state dir and image cache under a temp dir, a free subnet. */
export interface TestLab {
  name: string;
  dir: string;
  stateDir: string;
  imageCache: string;
  subnet: string;
  /** runs `skiff-lab --name N --state-dir D ARGS...` */
  cli(...args: string[]): Promise<Run>;
}

const taken = new Set<string>();

/** A /24 in 10.<second>.X.0 that overlaps no route or address of the machine and no other test's. */
export async function freeSubnet(second: number): Promise<string> {
  const routes = await mustRun('ip', ['-4', 'route', 'show', 'table', 'all']);
  const addrs = await mustRun('ip', ['-4', '-o', 'addr', 'show']);
  for (let attempt = 0; attempt < 200; attempt++) {
    const third = randomInt(0, 256);
    const prefix = `10.${second}.${third}.`;
    if (taken.has(prefix) || routes.includes(prefix) || addrs.includes(prefix) || /\b10\.0\.0\.0\/8\b/.test(routes)) continue;
    taken.add(prefix);
    return `${prefix}0/24`;
  }
  throw new Error(`no free /24 in 10.${second}.0.0/16`);
}

/**
 * A 10.X.0.0/16 for a test cluster's pods that no route or address of the machine touches, X taken
 * in order from `seconds` (each test file its own range, so files never share one).
 */
export async function freeClusterCIDR(seconds: readonly number[]): Promise<string> {
  const routes = await mustRun('ip', ['-4', 'route', 'show', 'table', 'all']);
  const addrs = await mustRun('ip', ['-4', '-o', 'addr', 'show']);
  for (const second of seconds) {
    const prefix = `10.${second}.`;
    if (!routes.includes(prefix) && !addrs.includes(prefix)) return `${prefix}0.0/16`;
  }
  throw new Error(`no free 10.X.0.0/16 for the pods (X in ${seconds[0]}..${seconds[seconds.length - 1]})`);
}

/** second, second + 1, ... up to (not including) end; downwards when end < start. */
export function range(start: number, end: number): number[] {
  return start <= end ? Array.from({ length: end - start }, (_, i) => start + i) : Array.from({ length: start - end }, (_, i) => start - i);
}

export async function testLab(imageCache?: string): Promise<TestLab> {
  const name = `e2e-lab-${randomBytes(4).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'skiff-e2e-lab-'));
  const stateDir = join(dir, 'state');
  const lab: TestLab = {
    name,
    dir,
    stateDir,
    imageCache: imageCache ?? join(dir, 'images'),
    subnet: await freeSubnet(199),
    cli: (...args) => run(process.execPath, [labCli, '--name', name, '--state-dir', stateDir, ...args]),
  };
  return lab;
}

/** Runs a command in a node's network namespace (nsenter --net, like the lab does). */
export function inNode(netns: string, cmd: string, args: readonly string[], input?: string): Promise<Run> {
  return run('nsenter', [`--net=/run/netns/${netns}`, cmd, ...args], input);
}

export interface StatusJson {
  nodes: { name: string; netns: string; address: string; dockerHost: string; ready: boolean }[];
}

export async function labStatusJson(lab: TestLab): Promise<StatusJson> {
  const r = await lab.cli('status', '-o', 'json');
  if (r.code !== 0) throw new Error(`status failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as StatusJson;
}

/** An HTTP GET with busybox nc (busybox wget crashes on this machine) from a namespace. */
export async function httpGetFromNode(netns: string, ip: string, port: number): Promise<string> {
  const r = await inNode(netns, 'busybox', ['nc', '-w', '3', ip, String(port)], 'GET / HTTP/1.0\r\n\r\n');
  return r.stdout;
}

/** Polls `f` every 100 ms (see poll). */
export function eventually<T>(what: string, timeoutMs: number, f: () => Promise<T | undefined>): Promise<T> {
  return poll(what, timeoutMs, f, { intervalMs: 100 });
}

/** What labTraces needs of a lab: its name and its state folder (`skiff-lab --state-dir`). */
export type LabRef = Pick<TestLab, 'name' | 'stateDir'>;

/**
 * Everything the machine shows that names this lab: namespaces, links (the veths and the bridge),
 * iptables rules and its SKIFF-LAB chains, mounts, processes, the engines' cgroups (a container left
 * running keeps its node's) and the engines' folders under the state folder (their images and
 * containers' files).
 */
export async function labTraces(lab: LabRef, hash: string): Promise<string[]> {
  const traces: string[] = [];
  const look = (what: string, text: string, needles: string[]) => {
    for (const line of text.split('\n')) if (needles.some((n) => line.includes(n))) traces.push(`${what}: ${line.trim()}`);
  };
  look('netns', await mustRun('ip', ['netns', 'list']), [`skiff-${lab.name}-`]);
  look('link', await mustRun('ip', ['-o', 'link']), [`sk-${hash}-`]);
  look('iptables', await mustRun('iptables-save', []), [`sk-${hash}-`, `SKIFF-LAB-${hash.toUpperCase()}`]);
  look('mount', await mustRun('mount', []), [lab.stateDir]);
  const ps = (await mustRun('ps', ['-eo', 'pid,args'])).split('\n').filter((l) => !l.includes('ps -eo'));
  look('process', ps.join('\n'), [`${lab.stateDir}/`]);
  const cgroupRoot = '/sys/fs/cgroup';
  const cgroupDirs = [cgroupRoot, ...(await readdir(cgroupRoot).catch(() => [] as string[])).map((c) => join(cgroupRoot, c))];
  for (const d of cgroupDirs) {
    const entries = await readdir(d).catch(() => [] as string[]);
    for (const e of entries) if (e.startsWith(`skiff-lab-${hash}-`)) traces.push(`cgroup: ${join(d, e)}`);
  }
  for (const n of await readdir(join(lab.stateDir, 'nodes')).catch(() => [] as string[])) traces.push(`engine folder (images, containers): ${join(lab.stateDir, 'nodes', n)}`);
  return traces;
}
