// A benchmarked process's CPU profile (the apiserver's, the controller-manager's; see cpu-profile-hook.ts), and the
// share of its CPU spent in given functions: a sample counts for them when any frame of its stack
// belongs to one of their files (inclusive time), out of every sample that was not idle.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './apiserver-load.js';

/** The node arguments and environment that make the apiserver profile-able by `CpuProfiler`. */
export function profileHook(root: string, out: string): { nodeArgs: string[]; env: Record<string, string> } {
  return { nodeArgs: ['--import', join(root, 'bench/dist/lib/cpu-profile-hook.js')], env: { SKIFF_BENCH_PROFILE: out } };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber?: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export class CpuProfiler {
  constructor(
    private readonly pid: number,
    private readonly out: string,
  ) {}

  async start(): Promise<void> {
    rmSync(this.out, { force: true });
    rmSync(`${this.out}.started`, { force: true });
    process.kill(this.pid, 'SIGUSR2');
    await this.waitFor(`${this.out}.started`);
  }

  async stop(): Promise<CpuProfile> {
    process.kill(this.pid, 'SIGUSR2');
    await this.waitFor(this.out);
    const p = JSON.parse(readFileSync(this.out, 'utf8')) as CpuProfile;
    rmSync(this.out, { force: true });
    rmSync(`${this.out}.started`, { force: true });
    return p;
  }

  private async waitFor(file: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (!existsSync(file)) {
      if (Date.now() > deadline) throw new Error(`the apiserver wrote no ${file} (is cpu-profile-hook loaded?)`);
      await sleep(20);
    }
  }
}

export interface Share {
  /** Samples in which the process ran (not idle). */
  busy: number;
  /** Of those, samples with a frame in a matching file. */
  matched: number;
  share: number;
  /** matched samples by the innermost matching file's name. */
  byFile: Record<string, number>;
}

/** The share of busy samples whose stack holds a function of a file matching `files`. */
export function cpuShare(p: CpuProfile, files: RegExp): Share {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // The innermost matching file on each node's stack (memoized walk towards the root).
  const hit = new Map<number, string | null>();
  const fileOf = (id: number): string | null => {
    const known = hit.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    const m = files.exec(n.callFrame.url);
    const up = parent.get(id);
    const r = m ? m[0].slice(m[0].lastIndexOf('/') + 1) : up === undefined ? null : fileOf(up);
    hit.set(id, r);
    return r;
  };
  let busy = 0;
  let matched = 0;
  const byFile: Record<string, number> = {};
  for (const id of p.samples) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    busy++;
    const f = fileOf(id);
    if (f) {
      matched++;
      byFile[f] = (byFile[f] ?? 0) + 1;
    }
  }
  return { busy, matched, share: busy > 0 ? matched / busy : NaN, byFile };
}

/** The wire codec: @skiff/api's structural walk and strict checks, and protobufjs itself. */
export const CODEC_FILES = /(\/packages\/api\/dist\/wire(-codec|-check|-types)?\.js|\/node_modules\/protobufjs\/.*\.js)$/;

export interface Hot {
  /** function name and file (basename:line) */
  where: string;
  /** share of the busy samples in which it was the innermost frame (self time) */
  self: number;
}

/** The functions with the most self time, out of every sample that was not idle. */
export function hotFunctions(p: CpuProfile, top: number): { busy: number; hot: Hot[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  let busy = 0;
  for (const id of p.samples) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    busy++;
    const file = f.url ? f.url.slice(f.url.lastIndexOf('/') + 1) : '';
    const where = `${f.functionName || '(anonymous)'} ${file}${file ? `:${(f.lineNumber ?? 0) + 1}` : ''}`;
    counts.set(where, (counts.get(where) ?? 0) + 1);
  }
  const hot = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, n]) => ({ where, self: n / busy }));
  return { busy, hot };
}
