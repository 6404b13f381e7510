// Summary of the apiserver's diagnostics file (cpu-profile-hook.ts, `--diag FILE` of the apiserver
// bench): per phase of the bench (its log lines are marks in the file), the collections (count and
// pause ms, minor and major, the longest major), the old generation's growth in seconds without a
// full collection (what the young generation promoted), and the event loop's delay (the largest, and
// the median of the per-second p99s). A delay in a second without a collection is not the collector's.
import { readFileSync } from 'node:fs';

interface Second {
  eldMaxMs: number;
  eldP99Ms: number;
  gc: Record<string, { n: number; ms: number; maxMs: number }>;
  oldMb: number;
}

export interface PhaseSummary {
  phase: string;
  seconds: number;
  minorN: number;
  minorMs: number;
  majorN: number;
  majorMs: number;
  majorMaxMs: number;
  promotedMb: number;
  eldMaxMs: number;
  eldP99MedianMs: number;
  /** Seconds with an event-loop delay over 50 ms and no collection in them. */
  stallsWithoutGc: number;
}

export function summarizeDiag(file: string): PhaseSummary[] {
  const out: PhaseSummary[] = [];
  let cur: PhaseSummary & { p99s: number[] } = { phase: 'start', seconds: 0, minorN: 0, minorMs: 0, majorN: 0, majorMs: 0, majorMaxMs: 0, promotedMb: 0, eldMaxMs: 0, eldP99MedianMs: 0, stallsWithoutGc: 0, p99s: [] };
  const close = (): void => {
    if (cur.seconds === 0) return;
    const p = [...cur.p99s].sort((a, b) => a - b);
    const { p99s: _, ...s } = cur;
    const r = (v: number): number => Math.round(v * 10) / 10;
    out.push({ ...s, minorMs: r(s.minorMs), majorMs: r(s.majorMs), promotedMb: r(s.promotedMb), eldP99MedianMs: p[Math.floor(p.length / 2)] ?? 0 });
  };
  let prevOld: number | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const l = JSON.parse(line) as Partial<Second> & { mark?: string };
    if (l.mark !== undefined) {
      close();
      cur = { phase: l.mark, seconds: 0, minorN: 0, minorMs: 0, majorN: 0, majorMs: 0, majorMaxMs: 0, promotedMb: 0, eldMaxMs: 0, eldP99MedianMs: 0, stallsWithoutGc: 0, p99s: [] };
      continue;
    }
    const s = l as Second;
    const minor = s.gc.minor;
    const major = s.gc.major;
    cur.seconds++;
    cur.minorN += minor?.n ?? 0;
    cur.minorMs += minor?.ms ?? 0;
    cur.majorN += major?.n ?? 0;
    cur.majorMs += major?.ms ?? 0;
    cur.majorMaxMs = Math.max(cur.majorMaxMs, major?.maxMs ?? 0);
    if (prevOld !== undefined && !major && s.oldMb > prevOld) cur.promotedMb += s.oldMb - prevOld;
    prevOld = s.oldMb;
    cur.eldMaxMs = Math.max(cur.eldMaxMs, s.eldMaxMs);
    cur.p99s.push(s.eldP99Ms);
    if (s.eldMaxMs > 50 && Object.keys(s.gc).length === 0) cur.stallsWithoutGc++;
  }
  close();
  return out;
}
