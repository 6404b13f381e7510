// Line output helpers over Io.
import type { Io } from './io.js';
import { formatError, isConnectionError, type ErrorContext } from './format-error.js';

export function out(io: Io, line: string): void {
  io.stdout.write(`${line}\n`);
}

export function err(io: Io, line: string): void {
  io.stderr.write(`${line}\n`);
}

/**
 * Prints a failure about one object as kubectl would, and goes on with the next; a failure of the
 * connection itself is thrown instead, to end the command (it is printed once, by runCli).
 */
export function printError(io: Io, e: unknown, ctx?: ErrorContext): void {
  if (isConnectionError(e)) throw e;
  err(io, formatError(e, ctx));
}

/** Server warnings, one `Warning: ` line each, as kubectl prints them. */
export function printWarnings(io: Io, warnings: readonly string[]): void {
  for (const w of warnings) err(io, `Warning: ${w}`);
}
