// Renders iptables-restore payloads: per table, the chains to (re)write are declared (which, with
// --noflush, creates or flushes them), their rules follow, and stale chains are declared and then
// deleted with -X at the end (their referrers are rewritten in the same transaction). The text is
// made in pieces as it is read, and service chains' rules only then (one service at a time), so a
// payload of 10,000 services is never whole in memory: it streams into iptables-restore.
import type { Table } from './fixed-rules.js';

/** Chains whose names are known now and whose rules are made when written (a service's chains). */
export interface LazyChains {
  /** The chains, in writing order (the keys of what rules() returns). */
  readonly names: readonly string[];
  rules(): ReadonlyMap<string, readonly string[]>;
}

export interface TablePayload {
  /** Chains written whole: declared, then their rules. */
  chains: Map<string, readonly string[]>;
  /** More chains written whole, after `chains` (declared with them; rules made when written). */
  lazy: LazyChains[];
  /** Rules that go after all chains' rules (jump inserts into built-in chains). */
  extra: string[];
  /** Chains to delete. */
  deletes: string[];
}

export function emptyTable(): TablePayload {
  return { chains: new Map(), lazy: [], extra: [], deletes: [] };
}

const ORDER: readonly Table[] = ['filter', 'nat', 'mangle'];

/**
 * Characters per piece of a streamed payload: under V8's 128 KB limit for the young generation, so
 * a piece dies young; a larger string goes straight to the old generation, whose growth sets off
 * full collections of the whole heap (a 10,000-service sync makes 17 MB of text).
 */
const PIECE_CHARS = 1 << 16;

function isEmpty(p: TablePayload | undefined): boolean {
  return !p || (p.chains.size === 0 && p.extra.length === 0 && p.deletes.length === 0 && p.lazy.every((g) => g.names.length === 0));
}

/** True when the payload of these tables would be empty (nothing to restore). */
export function payloadIsEmpty(tables: Partial<Record<Table, TablePayload>>): boolean {
  return ORDER.every((t) => isEmpty(tables[t]));
}

class Pieces {
  private lines: string[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  /** Adds a line; true when a piece is ready to take. */
  push(line: string): boolean {
    this.lines.push(line);
    this.size += line.length + 1;
    return this.size >= this.max;
  }

  take(): string {
    const s = this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
    this.lines = [];
    this.size = 0;
    return s;
  }
}

/** The payload in pieces of about `pieceChars` characters, made as they are read. */
export function* renderPieces(tables: Partial<Record<Table, TablePayload>>, pieceChars = PIECE_CHARS): Generator<string> {
  const out = new Pieces(pieceChars);
  for (const t of ORDER) {
    const p = tables[t];
    if (!p || isEmpty(p)) continue;
    out.push(`*${t}`);
    for (const c of p.chains.keys()) if (out.push(`:${c} - [0:0]`)) yield out.take();
    for (const g of p.lazy) for (const c of g.names) if (out.push(`:${c} - [0:0]`)) yield out.take();
    for (const c of p.deletes) if (out.push(`:${c} - [0:0]`)) yield out.take();
    for (const rules of p.chains.values()) for (const r of rules) if (out.push(r)) yield out.take();
    for (const g of p.lazy) for (const rules of g.rules().values()) for (const r of rules) if (out.push(r)) yield out.take();
    for (const r of p.extra) out.push(r);
    for (const c of p.deletes) if (out.push(`-X ${c}`)) yield out.take();
    out.push('COMMIT');
  }
  const last = out.take();
  if (last !== '') yield last;
}

/** The whole payload ('' when there is nothing to restore). */
export function renderPayload(tables: Partial<Record<Table, TablePayload>>): string {
  return [...renderPieces(tables, Number.POSITIVE_INFINITY)].join('');
}
