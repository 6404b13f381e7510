// What every command registration shares: the parsed flags, the command function's shape and the
// small converters from yargs' loose values to typed arguments.
import type { Client } from '@skiff/machinery';
import { UsageError } from './cli-error.js';
import type { DryRun } from './commands/apply.js';
import type { Connection } from './config.js';
import type { CliDeps } from './cli-deps.js';
import type { Io } from './io.js';

export type Flags = Record<string, unknown>;
export type Command = (client: Client, flags: Flags, conn: Connection, deps: CliDeps, io: Io) => Promise<number>;
/** Records the command yargs selected (cli.ts runs it after parsing). */
export type Select = (name: string, run: Command) => (flags: Flags) => void;

export const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));
export const list = (v: unknown): string[] => (v === undefined ? [] : ([] as unknown[]).concat(v).map(String));
export const dryRun = (v: unknown): DryRun => {
  const s = v === true || v === '' ? 'client' : String(v ?? 'none');
  if (s !== 'none' && s !== 'client' && s !== 'server') throw new UsageError(`Invalid dry-run value (${s}). Must be "none", "server", or "client".`);
  return s;
};

export function optional<K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> {
  return v === undefined ? {} : ({ [k]: v } as Record<K, string>);
}

export function namespaceArgs(f: Flags, conn: Connection): { namespace?: string; defaultNamespace: string } {
  const ns = str(f.namespace);
  return { ...(ns ? { namespace: ns } : {}), defaultNamespace: conn.namespace };
}

export const nowOf = (deps: CliDeps): { now?: () => number } => (deps.now ? { now: deps.now } : {});
