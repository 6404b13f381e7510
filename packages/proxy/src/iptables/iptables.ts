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
   * command takes them); throws IptablesError when it is refused.
   */
  restore(payload: string | Iterable<string>): Promise<void>;
  chainExists(table: Table, chain: string): Promise<boolean>;
}

export class IptablesError extends Error {
  override readonly name = 'IptablesError';
}
