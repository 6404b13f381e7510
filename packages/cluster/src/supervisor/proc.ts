// What /proc says about a pid: its command line, and whether it still runs (a zombie has exited).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/** The command line of a live process, or undefined when there is none (or only a zombie). */
export function liveCmdline(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the state follows the command name in parentheses, which may itself hold spaces or ')'
    if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') return undefined;
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').slice(0, raw.endsWith('\0') ? -1 : undefined);
  } catch {
    return undefined;
  }
}

export function readPidfile(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePidfile(path: string, pid: number): void {
  writeFileSync(path, `${pid}\n`);
}

export function removePidfile(path: string): void {
  rmSync(path, { force: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * SIGTERM, up to `graceMs` for the process to exit, then SIGKILL; resolves once it is gone.
 * `isSame` guards against a pid that was reused by another program meanwhile.
 */
export async function terminate(pid: number, graceMs: number, isSame: (cmdline: string[]) => boolean): Promise<'exited' | 'killed' | 'gone'> {
  const cmd = liveCmdline(pid);
  if (!cmd || !isSame(cmd)) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!liveCmdline(pid)) return 'exited';
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
  for (let i = 0; i < 100 && liveCmdline(pid); i++) await sleep(50);
  return 'killed';
}
