// The text of `describe`: "Key:  value" lines whose values line up (as kubectl's tabwriter does
// over each run of such lines), plain lines and indented sub-tables.
import { layoutRows } from '../printers/table-layout.js';

type Line = { kind: 'kv'; indent: number; key: string; value: string } | { kind: 'text'; text: string };

export class DescribeWriter {
  private readonly lines: Line[] = [];

  /** `Key:  value`; a multi-line value continues on lines aligned under the first. */
  kv(indent: number, key: string, value: string | number | boolean | undefined): void {
    const parts = String(value ?? '<none>').split('\n');
    this.lines.push({ kind: 'kv', indent, key: `${key}:`, value: parts[0] ?? '' });
    for (const p of parts.slice(1)) this.lines.push({ kind: 'kv', indent, key: '', value: p });
  }

  /** A heading or free text, not aligned with the values. */
  text(indent: number, text: string): void {
    this.lines.push({ kind: 'text', text: `${' '.repeat(indent)}${text}` });
  }

  /** A map one `k=v` per line, or `<none>`. */
  map(indent: number, key: string, m: Record<string, string> | undefined, sep = '='): void {
    const entries = Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.kv(indent, key, entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}${sep}${v}`).join('\n'));
  }

  /** A table under a heading, its rows indented; the header underlined (dashes, or the given row). */
  table(indent: number, header: string[], rows: string[][], underline: boolean | string[] = true): void {
    const rule = Array.isArray(underline) ? [underline] : underline ? [header.map((h) => '-'.repeat(h.length))] : [];
    const all = [header, ...rule, ...rows];
    for (const l of layoutRows(all).text.split('\n')) if (l) this.text(indent, l);
  }

  toString(): string {
    const out: string[] = [];
    let i = 0;
    while (i < this.lines.length) {
      const l = this.lines[i]!;
      if (l.kind === 'text') {
        out.push(l.text);
        i++;
        continue;
      }
      // A run of key/value lines: values start two spaces after the longest key.
      let j = i;
      let width = 0;
      while (j < this.lines.length && this.lines[j]!.kind === 'kv') {
        const x = this.lines[j] as Extract<Line, { kind: 'kv' }>;
        width = Math.max(width, x.indent + x.key.length);
        j++;
      }
      for (let k = i; k < j; k++) {
        const x = this.lines[k] as Extract<Line, { kind: 'kv' }>;
        out.push(`${' '.repeat(x.indent)}${x.key}`.padEnd(width + 2) + x.value);
      }
      i = j;
    }
    return out.map((l) => `${l.trimEnd()}\n`).join('');
  }
}
