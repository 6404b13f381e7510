// Runs host commands. Every side effect of the lab that is a command goes through a Runner, so the
// network and iptables plans can be unit tested with a fake that records what would run.
import { spawn } from 'node:child_process';
import { LabError } from './errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Do not throw on a non-zero exit; the caller reads `code`. */
  allowFail?: boolean;
  input?: string;
}

export interface Runner {
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
}

/** Runs commands with child_process.spawn (no shell). */
export class HostRunner implements Runner {
  run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout?.on('data', (b: Buffer) => out.push(b));
      child.stderr?.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => reject(new LabError(`cannot run ${cmd}: ${e.message}`)));
      child.on('close', (code) => {
        const r = { code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
        if (r.code !== 0 && !opts.allowFail) {
          reject(new LabError(`${cmd} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`));
        } else resolve(r);
      });
      if (child.stdin) {
        child.stdin.on('error', () => {}); // a command that exits without reading its input
        child.stdin.end(opts.input);
      }
    });
  }
}
