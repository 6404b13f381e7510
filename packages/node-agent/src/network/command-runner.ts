// Runs the node's network commands (ip, iptables). The agent runs inside its node's network
// namespace, so commands run as they are; a test or a tool outside it names the namespace and
// each command runs under `nsenter --net` (machinery's runCommand).
import { type CommandResult, commandFailure, runCommand } from '@skiff/machinery/exec';
import { PodNetworkError } from '../errors.js';

export type { CommandResult };

export interface CommandRunner {
  run(cmd: string, args: readonly string[], opts?: { input?: string; allowFail?: boolean }): Promise<CommandResult>;
}

export class HostCommandRunner implements CommandRunner {
  /** @param netnsPath a network namespace to enter for every command (e.g. /run/netns/n1) */
  constructor(private readonly netnsPath?: string) {}

  async run(cmd: string, args: readonly string[], opts: { input?: string; allowFail?: boolean } = {}): Promise<CommandResult> {
    let r: CommandResult;
    try {
      r = await runCommand(cmd, args, { ...(opts.input === undefined ? {} : { input: opts.input }), ...(this.netnsPath ? { netnsPath: this.netnsPath } : {}) });
    } catch (e) {
      throw new PodNetworkError((e as Error).message, { cause: e });
    }
    if (r.code !== 0 && !opts.allowFail) throw new PodNetworkError(commandFailure(cmd, args, r));
    return r;
  }
}
