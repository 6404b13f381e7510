// Runs the iptables binaries of one backend (iptables-nft-* or iptables-legacy-*), optionally inside
// a network namespace (`nsenter --net=PATH`; not `ip netns exec`, which remounts /sys).
import { type CommandResult, runCommand } from '@skiff/machinery/exec';
import type { Table } from './fixed-rules.js';
import { IptablesError, type Backend, type Iptables } from './iptables.js';

export type { CommandResult };

/** Runs one command (input: written to its stdin, whole or piece by piece); rejects only when it cannot be started. */
export type RunCommand = (cmd: string, args: readonly string[], input?: string | Iterable<string>) => Promise<CommandResult>;

export function spawnCommand(netnsPath?: string): RunCommand {
  return async (cmd, args, input) => {
    try {
      return await runCommand(cmd, args, { ...(input === undefined ? {} : { input }), ...(netnsPath ? { netnsPath } : {}) });
    } catch (e) {
      throw new IptablesError((e as Error).message, { cause: e });
    }
  };
}

export class ExecIptables implements Iptables {
  constructor(
    readonly backend: Backend,
    private readonly run: RunCommand = spawnCommand(),
  ) {}

  private bin(tool: '' | '-save' | '-restore'): string {
    return `iptables-${this.backend}${tool}`;
  }

  async save(table: Table): Promise<string> {
    const r = await this.run(this.bin('-save'), ['-t', table]);
    if (r.code !== 0) throw new IptablesError(`${this.bin('-save')} -t ${table} failed (exit ${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  async restore(payload: string | Iterable<string>): Promise<void> {
    const r = await this.run(this.bin('-restore'), ['-w', '5', '--noflush'], payload);
    if (r.code !== 0) throw new IptablesError(`${this.bin('-restore')} --noflush failed (exit ${r.code}): ${r.stderr.trim()}`);
  }

  async chainExists(table: Table, chain: string): Promise<boolean> {
    const r = await this.run(this.bin(''), ['-w', '5', '-t', table, '-S', chain, '1']);
    return r.code === 0;
  }
}
