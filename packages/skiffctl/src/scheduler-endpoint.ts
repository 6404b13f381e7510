// How skiffctl reaches skiff-scheduler's POST /explain (on the scheduler's /metrics, /healthz
// server): --scheduler URL, else $SKIFF_SCHEDULER, else port 10251 (the scheduler's default
// --health-port) on the apiserver's host, which is where `skiff-cluster up` runs it. A value without
// a scheme is taken as http://.
import { PLACEMENT_EXPLAIN_PATH, type PlacementAnswer, type Pod } from '@skiff/api';
import { CliError } from './cli-error.js';

export const DEFAULT_SCHEDULER_PORT = 10251;

/** The host of `host:port` or `[v6]:port`. */
function hostOf(server: string): string {
  const s = server.replace(/^[a-z]+:\/\//i, '');
  if (s.startsWith('[')) return s.slice(0, s.indexOf(']') + 1);
  const i = s.lastIndexOf(':');
  return i > 0 ? s.slice(0, i) : s;
}

export function schedulerUrl(flag: string | undefined, env: Record<string, string | undefined>, server: string): string {
  const v = flag || env.SKIFF_SCHEDULER || `${hostOf(server)}:${DEFAULT_SCHEDULER_PORT}`;
  return (/^https?:\/\//i.test(v) ? v : `http://${v}`).replace(/\/+$/, '');
}

export interface ExplainBounds {
  candidates?: number;
  rejected?: number;
}

/** Asks the scheduler at `base` where `pod` would go. Fails with a CliError saying what went wrong. */
export async function askScheduler(base: string, pod: Pod, bounds: ExplainBounds, timeoutMs: number): Promise<PlacementAnswer> {
  const q = new URLSearchParams();
  if (bounds.candidates !== undefined) q.set('candidates', String(bounds.candidates));
  if (bounds.rejected !== undefined) q.set('rejected', String(bounds.rejected));
  const query = q.toString();
  const url = `${base}${PLACEMENT_EXPLAIN_PATH}${query ? `?${query}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(pod), signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    throw new CliError(`cannot reach skiff-scheduler at ${base} (${why}); is it running with its --health-port there? Name it with --scheduler URL or $SKIFF_SCHEDULER`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const message = body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : text.trim();
    throw new CliError(`skiff-scheduler at ${base} answered ${res.status}: ${message}`);
  }
  if (!body || typeof body !== 'object' || !('explanation' in body)) throw new CliError(`skiff-scheduler at ${base}: not a placement answer: ${text.slice(0, 200)}`);
  return body as PlacementAnswer;
}
