// Renders iptables-restore payloads: per table, the chains to (re)write are declared (which, with
// --noflush, creates or flushes them), their rules follow, and stale chains are declared and then
// deleted with -X at the end (their referrers are rewritten in the same transaction).
import type { Table } from './fixed-rules.js';

export interface TablePayload {
  /** Chains written whole: declared, then their rules. */
  chains: Map<string, readonly string[]>;
  /** Rules that go after all chains' rules (jump inserts into built-in chains). */
  extra: string[];
  /** Chains to delete. */
  deletes: string[];
}

export function emptyTable(): TablePayload {
  return { chains: new Map(), extra: [], deletes: [] };
}

const ORDER: readonly Table[] = ['filter', 'nat', 'mangle'];

export function renderPayload(tables: Partial<Record<Table, TablePayload>>): string {
  const out: string[] = [];
  for (const t of ORDER) {
    const p = tables[t];
    if (!p || (p.chains.size === 0 && p.extra.length === 0 && p.deletes.length === 0)) continue;
    out.push(`*${t}`);
    for (const c of p.chains.keys()) out.push(`:${c} - [0:0]`);
    for (const c of p.deletes) out.push(`:${c} - [0:0]`);
    for (const rules of p.chains.values()) out.push(...rules);
    out.push(...p.extra);
    for (const c of p.deletes) out.push(`-X ${c}`);
    out.push('COMMIT');
  }
  return out.length === 0 ? '' : out.join('\n') + '\n';
}
