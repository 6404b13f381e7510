// Runs one host command (no shell), optionally inside a network namespace with `nsenter --net=PATH`
// (not `ip netns exec`, which remounts /sys). The one spawn wrapper of the project: the lab, the node
// agent's pod network and the proxy's iptables wrap it with their own error types. Imported through
// `@skiff/machinery/exec` so that command-line tools need not load the gRPC client.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /**
   * Written to the command's stdin (closed at once when absent): whole, or piece by piece, each
   * piece made when the command has taken the ones before (a large input is never whole in memory).
   */
  input?: string | Iterable<string>;
  /** A network namespace to run the command in, e.g. /run/netns/n1. */
  netnsPath?: string;
  /** Kills the command (SIGKILL) when it has not ended this many ms after its start; it resolves with code -1 and says so in stderr. */
  timeoutMs?: number;
}

/** Resolves with the exit code and output whatever the exit code; rejects only when the command cannot start. */
export function runCommand(cmd: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  const [file, argv] = opts.netnsPath ? ['nsenter', [`--net=${opts.netnsPath}`, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const timeout = opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs, killSignal: 'SIGKILL' as const };
    const child = spawn(file, argv, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], ...timeout });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      const killed = code === null && signal === 'SIGKILL' && opts.timeoutMs !== undefined ? `${err.length > 0 ? '\n' : ''}${cmd}: killed after ${opts.timeoutMs} ms` : '';
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() + killed });
    });
    const stdin = child.stdin;
    if (stdin) {
      stdin.on('error', () => {}); // a command that exits without reading its input
      if (typeof opts.input === 'string' || opts.input === undefined) stdin.end(opts.input);
      else
        feed(stdin, opts.input).catch((e: unknown) => {
          child.kill();
          reject(e instanceof Error ? e : new Error(String(e)));
        });
    }
  });
}

/** Writes the pieces, waiting for each to drain; stops when the command closed its input. */
async function feed(stdin: Writable, pieces: Iterable<string>): Promise<void> {
  for (const piece of pieces) {
    if (stdin.destroyed) return;
    if (stdin.write(piece)) continue;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        stdin.off('drain', done);
        stdin.off('close', done);
        resolve();
      };
      stdin.on('drain', done);
      stdin.on('close', done);
    });
  }
  stdin.end();
}

/** "cmd args failed (exit N): stderr" — the message every wrapper uses for a non-zero exit. */
export function commandFailure(cmd: string, args: readonly string[], r: CommandResult): string {
  return `${[cmd, ...args].join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`;
}
