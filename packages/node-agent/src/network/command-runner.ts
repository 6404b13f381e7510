// Runs the node's network commands (ip, iptables). The agent runs inside its node's network
// namespace, so commands run as they are; a test or a tool outside it names the namespace and
// each command runs under `nsenter --net` (not `ip netns exec`, which remounts /sys).
import { spawn } from 'node:child_process';
import { PodNetworkError } from '../errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunner {
  run(cmd: string, args: readonly string[], opts?: { input?: string; allowFail?: boolean }): Promise<CommandResult>;
}

export class HostCommandRunner implements CommandRunner {
  /** @param netnsPath a network namespace to enter for every command (e.g. /run/netns/n1) */
  constructor(private readonly netnsPath?: string) {}

  run(cmd: string, args: readonly string[], opts: { input?: string; allowFail?: boolean } = {}): Promise<CommandResult> {
    const [file, argv] = this.netnsPath ? ['nsenter', [`--net=${this.netnsPath}`, cmd, ...args]] : [cmd, [...args]];
    return new Promise((resolve, reject) => {
      const child = spawn(file, argv, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => out.push(b));
      child.stderr?.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => reject(new PodNetworkError(`cannot run ${cmd}: ${e.message}`, { cause: e })));
      child.on('close', (code) => {
        const r = { code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
        if (r.code !== 0 && !opts.allowFail) reject(new PodNetworkError(`${cmd} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`));
        else resolve(r);
      });
      if (child.stdin) {
        child.stdin.on('error', () => {});
        child.stdin.end(opts.input);
      }
    });
  }
}
