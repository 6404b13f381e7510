// What the proxy needs of iptables: save a table, restore a payload with --noflush, and ask
// whether a chain exists. ExecIptables runs the binaries of one backend; FakeIptables keeps the
// tables in memory for tests.
import type { Table } from './fixed-rules.js';

export type Backend = 'nft' | 'legacy';

export interface Iptables {
  readonly backend: Backend;
  /** iptables-save of one table. */
  save(table: Table): Promise<string>;
  /**
   * iptables-restore --noflush of the payload (whole, or in pieces read one after another as the
   * command takes them); throws IptablesError when it is refused. With `after` (the restore before
   * it in the same sync), the payload is read at once but restored only once `after` has resolved,
   * and not at all when it rejects (this one then rejects with its error).
   */
  restore(payload: string | Iterable<string>, after?: Promise<void>): Promise<void>;
  chainExists(table: Table, chain: string): Promise<boolean>;
}

export class IptablesError extends Error {
  override readonly name = 'IptablesError';
}
