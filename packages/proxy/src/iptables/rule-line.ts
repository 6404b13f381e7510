// Formats one iptables rule line as iptables-save prints it: arguments joined by spaces, quoted
// only when they contain a space or a quote (comments like "ns/svc:p cluster IP").

const NEEDS_QUOTE = /[\s"]/;

/** One argument as iptables-save prints it: quoted only when it contains a space or a quote (or is empty). */
export function quote(arg: string): string {
  return arg === '' || NEEDS_QUOTE.test(arg) ? `"${arg.replace(/(["\\])/g, '\\$1')}"` : arg;
}

/** `-A chain args...` with the arguments quoted where needed. */
export function appendRule(chain: string, ...args: readonly string[]): string {
  return ruleLine('-A', chain, ...args);
}

/** `op chain args...` (op -A, -I, -D) with the arguments quoted where needed. */
export function ruleLine(op: string, chain: string, ...args: readonly string[]): string {
  // Concatenated, not mapped and joined: a full sync at 10,000 services makes ~130,000 lines.
  let line = `${op} ${chain}`;
  for (const a of args) line += ` ${quote(a)}`;
  return line;
}

/**
 * ` -m comment --comment <text>` as it goes in a rule line (quoted where needed): for the per-rule
 * lines built as templates instead of through appendRule.
 */
export function commentArgs(text: string): string {
  return ` -m comment --comment ${quote(text)}`;
}

/** `-m comment --comment <text>` */
export function comment(text: string): string[] {
  return ['-m', 'comment', '--comment', text];
}

/** Splits a saved or restored rule line into arguments, undoing the quoting of appendRule. */
export function splitRule(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inQuote = false;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (inQuote) {
      if (c === '\\' && i + 1 < line.length) cur += line[++i];
      else if (c === '"') inQuote = false;
      else cur += c;
    } else if (c === '"') {
      inQuote = true;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (inQuote) throw new Error(`unterminated quote in rule: ${line}`);
  if (has || cur) out.push(cur);
  return out;
}

/** probability(n) for the usual numbers of endpoints, each formatted once. */
const PROBABILITIES: (string | undefined)[] = new Array<string | undefined>(1024);

/** Kube-proxy's statistic probability: 1/n with ten decimals. */
export function probability(n: number): string {
  if (n < PROBABILITIES.length) return (PROBABILITIES[n] ??= (1 / n).toFixed(10));
  return (1 / n).toFixed(10);
}
