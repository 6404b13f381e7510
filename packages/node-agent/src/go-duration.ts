// Durations as Go writes and reads them, for flags and messages that Kubernetes defines in Go's
// terms (`--eviction-soft-grace-period=memory.available=1m30s`, "within 1s" in probe outputs).

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** milliseconds as Go's time.Duration prints them: "0s", "500ms", "1s", "1.5s", "1m30s", "1h0m0s" */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = `${(ms % 60_000) / 1000}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

/** Go's time.ParseDuration ("300ms", "1.5h", "2h45m"), in milliseconds; throws Go's messages */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  let rest = text;
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw new Error(`time: invalid duration ${quoted}`);
  let ms = 0;
  while (rest !== '') {
    const m = /^(\d*\.?\d*)([^\d.]*)/.exec(rest) as RegExpExecArray;
    const [all, number = '', unit = ''] = m;
    if (number === '' || number === '.') throw new Error(`time: invalid duration ${quoted}`);
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const factor = UNIT_MS[unit];
    if (factor === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    ms += Number(number) * factor;
    rest = rest.slice(all.length);
  }
  return sign * ms;
}
