// Quantiles of a Prometheus histogram scraped from a process's /metrics text, as PromQL's
// histogram_quantile: the cumulative buckets of every series of the metric whose labels include
// `match` are summed, and the quantile is interpolated linearly inside its bucket.

/**
 * `q` (0..1) of histogram `name` in the exposition `text`, in the metric's unit; NaN without
 * observations, Infinity when it falls above the largest finite bucket.
 */
export function histogramQuantile(text: string, name: string, q: number, match: Record<string, string> = {}): number {
  const buckets = new Map<number, number>();
  const prefix = `${name}_bucket{`;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const close = line.lastIndexOf('}');
    const labels = parseLabels(line.slice(prefix.length, close));
    if (Object.entries(match).some(([k, v]) => labels[k] !== v)) continue;
    const le = labels.le === '+Inf' ? Infinity : Number(labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(line.slice(close + 1).trim()));
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (!total) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return Infinity;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(count - prevCount, 1e-9);
    }
    prevLe = le;
    prevCount = count;
  }
  return Infinity;
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) out[m[1]!] = m[2]!;
  return out;
}
