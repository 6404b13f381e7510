// Runs the iptables binaries of one backend (iptables-nft-* or iptables-legacy-*), optionally inside
// a network namespace (`nsenter --net=PATH`; not `ip netns exec`, which remounts /sys).
import { spawn } from 'node:child_process';
import type { Table } from './fixed-rules.js';
import { IptablesError, type Backend, type Iptables } from './iptables.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command; rejects only when it cannot be started. */
export type RunCommand = (cmd: string, args: readonly string[], input?: string) => Promise<CommandResult>;

export function spawnCommand(netnsPath?: string): RunCommand {
  return (cmd, args, input) => {
    const [file, argv] = netnsPath ? ['nsenter', [`--net=${netnsPath}`, cmd, ...args]] : [cmd, [...args]];
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => out.push(b));
      child.stderr?.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => reject(new IptablesError(`cannot run ${cmd}: ${e.message}`, { cause: e })));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
      if (child.stdin) {
        child.stdin.on('error', () => {});
        child.stdin.end(input);
      }
    });
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

  async restore(payload: string): Promise<void> {
    const r = await this.run(this.bin('-restore'), ['-w', '5', '--noflush'], payload);
    if (r.code !== 0) throw new IptablesError(`${this.bin('-restore')} --noflush failed (exit ${r.code}): ${r.stderr.trim()}`);
  }

  async chainExists(table: Table, chain: string): Promise<boolean> {
    const r = await this.run(this.bin(''), ['-w', '5', '-t', table, '-S', chain, '1']);
    return r.code === 0;
  }
}
