// What the proxy needs of iptables: save a table, restore a payload with --noflush, and ask
// whether a chain exists. ExecIptables runs the binaries of one backend; FakeIptables keeps the
// tables in memory for tests.
//
// A restore is one step, restore(): the payload goes to iptables-restore as it is made (ExecIptables
// streams it to its stdin, so the restore parses while the rest is made). Or two steps, for a split
// sync: prepare() reads the payload (ExecIptables writes it to a file) and nothing reaches the
// kernel; apply() restores it. The caller alone orders the applies: a split sync prepares the next
// restore while the one before is applied and applies it only after (syncer.ts), so no
// implementation or wrapper is told, or can get wrong, what comes first.
import type { Table } from './fixed-rules.js';

export type Backend = 'nft' | 'legacy';

/** A payload read and ready to restore. Exactly one of apply() and discard() is called, once. */
export interface PreparedRestore {
  /** iptables-restore --noflush of the payload; throws IptablesError when it is refused. */
  apply(): Promise<void>;
  /** Drops the payload unrestored. */
  discard(): Promise<void>;
}

export interface Iptables {
  readonly backend: Backend;
  /**
   * iptables-save of one table, or without a table of every table (in one process: a full sync
   * reads nat and filter with one spawn).
   */
  save(table?: Table): Promise<string>;
  /**
   * Reads the payload (whole, or in pieces one after another, each made as it is read) and keeps it
   * ready to restore: nothing reaches the kernel until apply(). A payload that cannot be made rejects.
   */
  prepare(payload: string | Iterable<string>): Promise<PreparedRestore>;
  /**
   * One iptables-restore --noflush of the payload, read as it is made (what prepare() then apply()
   * does, with the restore reading the payload while the rest is made); throws IptablesError when it
   * is refused. Each table reaches the kernel at its COMMIT, as from a file.
   */
  restore(payload: string | Iterable<string>): Promise<void>;
  chainExists(table: Table, chain: string): Promise<boolean>;
}

/** A PreparedRestore of these two steps that refuses a second apply() or discard(). */
export function preparedRestore(apply: () => Promise<void>, discard: () => Promise<void>): PreparedRestore {
  let used = false;
  const once = (step: () => Promise<void>) => (): Promise<void> => {
    if (used) return Promise.reject(new Error('a prepared restore is applied or discarded once'));
    used = true;
    return step();
  };
  return { apply: once(apply), discard: once(discard) };
}

export class IptablesError extends Error {
  override readonly name = 'IptablesError';
}
