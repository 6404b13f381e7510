// Go's time.ParseDuration subset kubectl's --since takes: a sequence of number+unit (h, m, s, ms),
// e.g. 5s, 2m, 1h30m, 1.5h. Returns whole seconds, at least 1 (kubectl rounds up).
import { UsageError } from '../cli-error.js';

const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

export function durationSeconds(s: string, flag = '--since'): number {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (!s || matched !== s.length) throw new UsageError(`invalid argument "${s}" for "${flag}" flag: time: invalid duration "${s}" (examples: 30s, 5m, 1h30m)`);
  if (total <= 0) throw new UsageError(`${flag} must be greater than 0`);
  return Math.max(1, Math.ceil(total));
}
