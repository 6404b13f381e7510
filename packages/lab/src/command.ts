// A planned host command: plans are pure functions from what was observed to what must run.
import type { Runner } from './exec.js';

export interface Command {
  cmd: string;
  args: string[];
}

export function command(cmd: string, ...args: string[]): Command {
  return { cmd, args };
}

export function formatCommand(c: Command): string {
  return [c.cmd, ...c.args].join(' ');
}

/** Runs a plan in order; stops at the first failure. */
export async function runPlan(runner: Runner, plan: readonly Command[]): Promise<void> {
  for (const c of plan) await runner.run(c.cmd, c.args);
}
