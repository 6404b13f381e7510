// Turns any failure into the lines kubectl would print for it.
import { ApiError, formatFieldError, type FieldError } from '@skiff/api';
import { CliError } from './cli-error.js';

export interface ErrorContext {
  /** The server address, for "connection refused" hints. */
  server?: string;
  /** What was being done: `error when creating "deploy.yaml": `. */
  action?: string;
}

const CONNECT = /ECONNREFUSED|No connection established|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|Name resolution failed/;

/** The message to print on stderr for `err` (no trailing newline). */
export function formatError(err: unknown, ctx: ErrorContext = {}): string {
  if (err instanceof ApiError) return formatApiError(err, ctx);
  if (err instanceof CliError) return `error: ${err.message}`;
  const msg = err instanceof Error ? err.message : String(err);
  return `error: ${msg}`;
}

/** Failures of the connection itself: no point going on with the next object. */
export function isConnectionError(err: unknown): boolean {
  return err instanceof ApiError && (err.code === 'UNAUTHENTICATED' || (err.code === 'UNAVAILABLE' && CONNECT.test(err.message)));
}

function formatApiError(err: ApiError, ctx: ErrorContext): string {
  if (err.code === 'UNAVAILABLE' && CONNECT.test(err.message)) {
    const where = ctx.server ? `the server ${ctx.server}` : 'the server';
    const detail = err.message.replace(/\s*Resolution note:\s*$/, '');
    return `The connection to ${where} was refused - did you specify the right host or port? (${detail})`;
  }
  if (err.code === 'UNAUTHENTICATED') return `error: You must be logged in to the server (Unauthorized): ${err.message}`;
  return `Error from server (${err.reason}): ${ctx.action ?? ''}${listViolations(err.message, err.fields)}`;
}

/**
 * The server lists violations joined by "; " after "is invalid: "; with several, kubectl puts one
 * per line under a `*` bullet. Messages of another shape are kept as they are.
 */
export function listViolations(message: string, fields: readonly FieldError[]): string {
  if (fields.length < 2) return message;
  const i = message.indexOf(' is invalid: ');
  if (i < 0) return message;
  const head = message.slice(0, i + ' is invalid:'.length);
  const parts = message.slice(i + ' is invalid: '.length).split('; ');
  if (parts.length !== fields.length) return message;
  return [head, ...parts.map((p) => `* ${p}`)].join('\n');
}

/** A client-side field error: `spec.x: unknown field "x"` for unknown fields, as kubectl words it. */
export function formatClientFieldError(e: FieldError): string {
  if (e.type === 'Unknown') return `${e.field}: ${e.detail}`;
  return formatFieldError(e);
}
