// A Runner for unit tests: records every command and answers from a table keyed by command line.
import type { CommandResult, RunOptions, Runner } from './exec.js';
import { LabError } from './errors.js';

export class FakeRunner implements Runner {
  readonly calls: string[] = [];
  constructor(private readonly answers: Record<string, Partial<CommandResult>> = {}) {}

  async run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
    const line = [cmd, ...args].join(' ');
    this.calls.push(line);
    const a = this.answers[line] ?? {};
    const r = { code: a.code ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
    if (r.code !== 0 && !opts.allowFail) throw new LabError(`${line} failed`);
    return r;
  }
}
