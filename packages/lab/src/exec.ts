// Runs host commands. Every side effect of the lab that is a command goes through a Runner, so the
// network and iptables plans can be unit tested with a fake that records what would run.
import { type CommandResult, commandFailure, runCommand } from '@skiff/machinery/exec';
import { LabError } from './errors.js';

export type { CommandResult };

export interface RunOptions {
  /** Do not throw on a non-zero exit; the caller reads `code`. */
  allowFail?: boolean;
  input?: string;
}

export interface Runner {
  run(cmd: string, args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
}

/** Runs commands on the host (machinery's runCommand); a non-zero exit is a LabError unless allowed. */
export class HostRunner implements Runner {
  async run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    let r: CommandResult;
    try {
      r = await runCommand(cmd, args, opts.input === undefined ? {} : { input: opts.input });
    } catch (e) {
      throw new LabError((e as Error).message);
    }
    if (r.code !== 0 && !opts.allowFail) throw new LabError(commandFailure(cmd, args, r));
    return r;
  }
}
