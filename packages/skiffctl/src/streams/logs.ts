// skiffctl logs POD [-c C] [-f] [--previous] [--tail N] [--since D | --since-time T] [--timestamps]:
// the container's log through the apiserver (PodLogs), written as it arrives.
import { StringDecoder } from 'node:string_decoder';
import { logChunks, type PodLogsRequest, type StreamClient } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { durationSeconds } from './duration.js';
import { podName } from './pod-arg.js';

export interface LogsArgs {
  pod: string;
  namespace: string;
  container?: string;
  follow?: boolean;
  previous?: boolean;
  /** -1 (kubectl's default): every line */
  tail?: number;
  since?: string;
  sinceTime?: string;
  timestamps?: boolean;
}

/** The PodLogs request for the arguments (kubectl's flag rules). */
export function logsRequest(a: LogsArgs): PodLogsRequest {
  if (a.since !== undefined && a.sinceTime !== undefined) throw new UsageError('at most one of `sinceTime` or `sinceSeconds` may be specified');
  if (a.follow && a.previous) throw new UsageError('only one of follow (-f) or previous (-p) is allowed');
  const req: PodLogsRequest = {
    target: { namespace: a.namespace, name: podName(a.pod), container: a.container ?? '' },
    follow: Boolean(a.follow),
    previous: Boolean(a.previous),
    timestamps: Boolean(a.timestamps),
  };
  if (a.tail !== undefined && a.tail !== -1) {
    if (!Number.isInteger(a.tail) || a.tail < -1) throw new UsageError(`--tail must be -1 (every line) or a number of lines, not ${a.tail}`);
    req.tailLines = a.tail;
  }
  if (a.since !== undefined) req.sinceSeconds = durationSeconds(a.since);
  if (a.sinceTime !== undefined) {
    if (!Number.isFinite(Date.parse(a.sinceTime))) throw new UsageError(`--since-time must be an RFC 3339 time (2026-12-03T10:00:00Z), not "${a.sinceTime}"`);
    req.sinceTime = a.sinceTime;
  }
  return req;
}

export async function logs(client: StreamClient, args: LogsArgs, io: Io): Promise<number> {
  const req = logsRequest(args);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of logChunks(client.logs(req), io.signal)) {
    const text = decoder.write(chunk.data);
    if (text) io.stdout.write(text);
  }
  const rest = decoder.end();
  if (rest) io.stdout.write(rest);
  return 0;
}
