// Runs one host command (no shell), optionally inside a network namespace with `nsenter --net=PATH`
// (not `ip netns exec`, which remounts /sys). The one spawn wrapper of the project: the lab, the node
// agent's pod network and the proxy's iptables wrap it with their own error types. Imported through
// `@skiff/machinery/exec` so that command-line tools need not load the gRPC client.
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Written to the command's stdin (closed at once when absent). */
  input?: string;
  /** A network namespace to run the command in, e.g. /run/netns/n1. */
  netnsPath?: string;
}

/** Resolves with the exit code and output whatever the exit code; rejects only when the command cannot start. */
export function runCommand(cmd: string, args: readonly string[], opts: CommandOptions = {}): Promise<CommandResult> {
  const [file, argv] = opts.netnsPath ? ['nsenter', [`--net=${opts.netnsPath}`, cmd, ...args]] : [cmd, [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new Error(`cannot run ${cmd}: ${e.message}`, { cause: e })));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // a command that exits without reading its input
      child.stdin.end(opts.input);
    }
  });
}

/** "cmd args failed (exit N): stderr" — the message every wrapper uses for a non-zero exit. */
export function commandFailure(cmd: string, args: readonly string[], r: CommandResult): string {
  return `${[cmd, ...args].join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`;
}
