// An in-memory iptables for tests: restore parses and applies payloads (chain declarations flush
// or create, -A/-I/-D/-F/-X, COMMIT per table) with iptables' checks (a jump must name a
// target or an existing chain; a chain in use or built in cannot be deleted), atomically per table,
// and save prints the tables as iptables-save does (rule text as written; user chains by name).
import type { Table } from './fixed-rules.js';
import { IptablesError, preparedRestore, type Backend, type Iptables, type PreparedRestore } from './iptables.js';
import { splitRule } from './rule-line.js';
import { parseSavedTable } from './saved-tables.js';

const BUILTIN: Record<Table, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
};
const TARGETS = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'MASQUERADE', 'DNAT', 'SNAT', 'MARK', 'LOG']);

interface Chain {
  policy: string;
  rules: string[];
}
type Tables = Map<string, Map<string, Chain>>;

function target(rule: string): string | undefined {
  const args = splitRule(rule);
  const i = args.indexOf('-j');
  return i >= 0 ? args[i + 1] : undefined;
}

function canonical(rule: string): string {
  return splitRule(rule).join('\u0000');
}

export class FakeIptables implements Iptables {
  private tables: Tables = new Map();
  /** Every payload restored, in order. */
  readonly restores: string[] = [];
  /** Makes the next restore fail (once). */
  failNext = false;

  constructor(readonly backend: Backend = 'nft') {
    for (const [t, chains] of Object.entries(BUILTIN)) this.tables.set(t, new Map(chains.map((c) => [c, { policy: 'ACCEPT', rules: [] }])));
  }

  save(table?: Table): Promise<string> {
    return Promise.resolve(table === undefined ? this.allText() : this.tableText(table));
  }

  /** Every table, as iptables-save without -t prints them. */
  private allText(): string {
    return (['filter', 'nat', 'mangle'] as const).map((t) => this.tableText(t)).join('');
  }

  private tableText(table: Table): string {
    const all = this.tables.get(table) ?? new Map<string, Chain>();
    // built-in chains first, then user chains by name (as iptables-legacy-save)
    const names = [...all.keys()].sort((a, b) => Number(BUILTIN[table].includes(b)) - Number(BUILTIN[table].includes(a)) || (BUILTIN[table].includes(a) ? 0 : a < b ? -1 : a > b ? 1 : 0));
    const chains = new Map(names.map((n) => [n, all.get(n) ?? { policy: '-', rules: [] }]));
    const lines = [`*${table}`];
    for (const [name, c] of chains) lines.push(`:${name} ${c.policy} [0:0]`);
    for (const c of chains.values()) lines.push(...c.rules);
    lines.push('COMMIT');
    return lines.join('\n') + '\n';
  }

  chainExists(table: Table, chain: string): Promise<boolean> {
    return Promise.resolve(this.tables.get(table)?.has(chain) ?? false);
  }

  /** The chains and rules of one table (for assertions). */
  chains(table: Table): Map<string, string[]> {
    return new Map([...parseSavedTable([...(this.tables.get(table) ?? new Map<string, Chain>())].map(([n, c]) => [`:${n} ${c.policy}`, ...c.rules].join('\n')).join('\n'))].map(([n, c]) => [n, c.rules]));
  }

  /** Reads the payload whole at once; apply() checks and applies it as iptables-restore would. */
  prepare(pieces: string | Iterable<string>): Promise<PreparedRestore> {
    try {
      const payload = typeof pieces === 'string' ? pieces : [...pieces].join('');
      return Promise.resolve(preparedRestore(() => this.applyPayload(payload), () => Promise.resolve()));
    } catch (e) {
      return Promise.reject(e as Error);
    }
  }

  /** prepare() then apply() (so a test that wraps prepare() sees every restore). */
  async restore(pieces: string | Iterable<string>): Promise<void> {
    await (await this.prepare(pieces)).apply();
  }

  private applyPayload(payload: string): Promise<void> {
    this.restores.push(payload);
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new IptablesError('iptables-restore: injected failure'));
    }
    let table: string | undefined;
    let work: Map<string, Chain> | undefined;
    let n = 0;
    try {
      for (const raw of payload.split('\n')) {
        n++;
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) continue;
        if (line.startsWith('*')) {
          table = line.slice(1);
          const current = this.tables.get(table);
          if (!current) throw new Error(`unknown table ${table}`);
          work = new Map([...current].map(([k, c]) => [k, { policy: c.policy, rules: [...c.rules] }]));
          continue;
        }
        if (!work || !table) throw new Error('rule outside a table');
        if (line === 'COMMIT') {
          this.tables.set(table, work);
          work = undefined;
          continue;
        }
        this.apply(table as Table, work, line);
      }
      if (work) throw new Error('missing COMMIT');
    } catch (e) {
      return Promise.reject(new IptablesError(`iptables-restore: line ${n} failed: ${(e as Error).message}`));
    }
    return Promise.resolve();
  }

  private apply(table: Table, chains: Map<string, Chain>, line: string): void {
    if (line.startsWith(':')) {
      const [name = '', policy = '-'] = line.slice(1).split(' ');
      const builtin = BUILTIN[table].includes(name);
      chains.set(name, { policy: builtin ? policy : '-', rules: [] });
      return;
    }
    const [op = '', chain = '', ...rest] = splitRule(line);
    const c = chains.get(chain);
    if (!c) throw new Error(`no chain ${chain}`);
    const spec = line.replace(op === '-I' ? /^\S+\s+\S+\s+(\d+\s+)?/ : /^\S+\s+\S+\s*/, '');
    const ruleOf = (): string => {
      const rule = spec;
      const t = target(rule);
      if (t !== undefined && !TARGETS.has(t) && !chains.has(t)) throw new Error(`no chain/target ${t}`);
      return `-A ${chain} ${rule}`;
    };
    switch (op) {
      case '-A':
        c.rules.push(ruleOf());
        return;
      case '-I': {
        const pos = /^\d+$/.test(rest[0] ?? '') ? Number(rest.shift()) : 1;
        c.rules.splice(pos - 1, 0, ruleOf());
        return;
      }
      case '-D': {
        const want = canonical(`-A ${chain} ${spec}`);
        const i = c.rules.findIndex((r) => canonical(r) === want);
        if (i < 0) throw new Error(`no such rule in ${chain}`);
        c.rules.splice(i, 1);
        return;
      }
      case '-F':
        c.rules = [];
        return;
      case '-X': {
        if (BUILTIN[table].includes(chain)) throw new Error(`cannot delete built-in chain ${chain}`);
        if (c.rules.length > 0) throw new Error(`chain ${chain} is not empty`);
        for (const [other, oc] of chains) if (oc.rules.some((r) => target(r) === chain)) throw new Error(`chain ${chain} is referenced by ${other}`);
        chains.delete(chain);
        return;
      }
      default:
        throw new Error(`unknown command ${op}`);
    }
  }
}
