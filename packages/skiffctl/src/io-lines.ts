// Line output helpers over Io.
import type { Io } from './io.js';
import { formatError, type ErrorContext } from './format-error.js';

export function out(io: Io, line: string): void {
  io.stdout.write(`${line}\n`);
}

export function err(io: Io, line: string): void {
  io.stderr.write(`${line}\n`);
}

/** Prints a failure as kubectl would. */
export function printError(io: Io, e: unknown, ctx?: ErrorContext): void {
  err(io, formatError(e, ctx));
}

/** Server warnings, one `Warning: ` line each, as kubectl prints them. */
export function printWarnings(io: Io, warnings: readonly string[]): void {
  for (const w of warnings) err(io, `Warning: ${w}`);
}
