// Runs the iptables binaries of one backend (iptables-nft-* or iptables-legacy-*), optionally inside
// a network namespace (`nsenter --net=PATH`; not `ip netns exec`, which remounts /sys).
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandResult, runCommand } from '@skiff/machinery/exec';
import type { Table } from './fixed-rules.js';
import { IptablesError, preparedRestore, type Backend, type Iptables, type PreparedRestore } from './iptables.js';

export type { CommandResult };

/**
 * Runs one command (input: written to its stdin, whole or piece by piece; killed, code -1, when it
 * has not ended timeoutMs after its start); rejects only when it cannot be started.
 */
export type RunCommand = (cmd: string, args: readonly string[], input?: string | Iterable<string>, timeoutMs?: number) => Promise<CommandResult>;

export function spawnCommand(netnsPath?: string): RunCommand {
  return async (cmd, args, input, timeoutMs) => {
    try {
      return await runCommand(cmd, args, { ...(input === undefined ? {} : { input }), ...(netnsPath ? { netnsPath } : {}), ...(timeoutMs === undefined ? {} : { timeoutMs }) });
    } catch (e) {
      throw new IptablesError((e as Error).message, { cause: e });
    }
  };
}

/**
 * How long one iptables-restore may take, waiting for the xtables lock included, before it is killed
 * and reported as failed (the syncer then makes the next sync full). Its `-w` has no timeout of its
 * own: iptables-legacy-restore's `-w N` arms an alarm N seconds after it asks for the lock that is
 * never disarmed, and it interrupts a read of the payload still going on then ("COMMIT expected"),
 * whether the payload is streamed while it is made or read from a large file on a loaded machine.
 */
export const RESTORE_TIMEOUT_MS = 60_000;
const RESTORE_ARGS = ['-w', '--noflush'];

export class ExecIptables implements Iptables {
  constructor(
    readonly backend: Backend,
    private readonly run: RunCommand = spawnCommand(),
    /** Where the payload files of restore are written (each in a private directory, removed after). */
    private readonly tempDir: string = tmpdir(),
  ) {}

  private bin(tool: '' | '-save' | '-restore'): string {
    return `iptables-${this.backend}${tool}`;
  }

  async save(table?: Table): Promise<string> {
    const args = table === undefined ? [] : ['-t', table];
    const r = await this.run(this.bin('-save'), args);
    if (r.code !== 0) throw new IptablesError(`${[this.bin('-save'), ...args].join(' ')} failed (exit ${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** The payload streamed to iptables-restore's stdin as it is made: the restore parses meanwhile. */
  async restore(payload: string | Iterable<string>): Promise<void> {
    await this.runRestore([], payload);
  }

  /**
   * A restore in two steps, through a file: prepare() writes the file (the pieces streamed to disk as
   * they are made, so a split sync writes the next restore's file while the one before is applied and
   * never holds a restore's text whole); apply() restores it; the file is removed whatever happens.
   */
  async prepare(payload: string | Iterable<string>): Promise<PreparedRestore> {
    const dir = await mkdtemp(join(this.tempDir, 'skiff-proxy-restore-'));
    const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
    const file = join(dir, 'payload');
    try {
      await writePayload(file, payload);
    } catch (e) {
      await remove();
      throw e;
    }
    return preparedRestore(
      async () => {
        try {
          await this.runRestore([file]);
        } finally {
          await remove();
        }
      },
      remove,
    );
  }

  private async runRestore(file: string[], input?: string | Iterable<string>): Promise<void> {
    const r = await this.run(this.bin('-restore'), [...RESTORE_ARGS, ...file], input, RESTORE_TIMEOUT_MS);
    if (r.code !== 0) throw new IptablesError(`${this.bin('-restore')} --noflush failed (exit ${r.code}): ${r.stderr.trim()}`);
  }

  async chainExists(table: Table, chain: string): Promise<boolean> {
    const r = await this.run(this.bin(''), ['-w', '5', '-t', table, '-S', chain, '1']);
    return r.code === 0;
  }
}

/**
 * Writes the payload to a new file (mode 0600), the pieces as they come, encoded and gathered into
 * vectored writes of about 1 MiB (writev writes all of them), never joined into one large string.
 */
async function writePayload(file: string, payload: string | Iterable<string>): Promise<void> {
  const fh = await open(file, 'wx', 0o600);
  try {
    if (typeof payload === 'string') {
      await fh.writeFile(payload);
      return;
    }
    let batch: Buffer[] = [];
    let size = 0;
    for (const piece of payload) {
      const b = Buffer.from(piece);
      batch.push(b);
      size += b.length;
      if (size >= 1 << 20) {
        await writeAll(fh, batch);
        batch = [];
        size = 0;
      }
    }
    if (size > 0) await writeAll(fh, batch);
  } finally {
    await fh.close();
  }
}

/** Writes every buffer (writev may write less than asked). */
async function writeAll(fh: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    let { bytesWritten } = await fh.writev(rest);
    const next: Buffer[] = [];
    for (const b of rest) {
      if (bytesWritten >= b.length) bytesWritten -= b.length;
      else {
        next.push(bytesWritten > 0 ? b.subarray(bytesWritten) : b);
        bytesWritten = 0;
      }
    }
    rest = next;
  }
}
