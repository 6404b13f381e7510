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

/** The namespace an `ip` command is for ('' for the host), or undefined for any other command. */
function ipNamespace(c: Command): string | undefined {
  if (c.cmd !== 'ip') return undefined;
  return c.args[0] === '-n' ? (c.args[1] ?? '') : '';
}

/** The table of an `iptables -w -t TABLE ...` command, or undefined for any other command. */
function iptablesTable(c: Command): string | undefined {
  if (c.cmd !== 'iptables' || c.args[0] !== '-w' || c.args[1] !== '-t' || c.args.length < 4) return undefined;
  return c.args[2];
}

export interface BatchedCommand {
  cmd: string;
  args: string[];
  input?: string;
}

/**
 * Groups a plan into what runs as one process: consecutive `ip` commands for the same namespace
 * become one `ip [-n NS] -batch -` (it stops at the first failing line), consecutive
 * `iptables -w -t TABLE ...` commands one `iptables-restore -w --noflush` (all or nothing per
 * table), anything else runs alone.
 */
export function batchPlan(plan: readonly Command[]): BatchedCommand[] {
  const out: BatchedCommand[] = [];
  let i = 0;
  while (i < plan.length) {
    if (iptablesTable(plan[i]!) !== undefined) {
      const lines: string[] = [];
      while (i < plan.length && iptablesTable(plan[i]!) !== undefined) {
        const table = iptablesTable(plan[i]!)!;
        lines.push(`*${table}`);
        while (i < plan.length && iptablesTable(plan[i]!) === table) {
          lines.push(plan[i]!.args.slice(3).join(' '));
          i++;
        }
        lines.push('COMMIT');
      }
      out.push({ cmd: 'iptables-restore', args: ['-w', '--noflush'], input: lines.join('\n') + '\n' });
      continue;
    }
    const ns = ipNamespace(plan[i]!);
    if (ns === undefined) {
      out.push({ cmd: plan[i]!.cmd, args: plan[i]!.args });
      i++;
      continue;
    }
    const lines: string[] = [];
    while (i < plan.length && ipNamespace(plan[i]!) === ns) {
      lines.push((ns ? plan[i]!.args.slice(2) : plan[i]!.args).join(' '));
      i++;
    }
    out.push({ cmd: 'ip', args: [...(ns ? ['-n', ns] : []), '-batch', '-'], input: lines.join('\n') + '\n' });
  }
  return out;
}

/** Runs a plan in order, `ip` and `iptables` commands batched; stops at the first failure. */
export async function runPlan(runner: Runner, plan: readonly Command[]): Promise<void> {
  for (const c of batchPlan(plan)) await runner.run(c.cmd, c.args, c.input === undefined ? {} : { input: c.input });
}
