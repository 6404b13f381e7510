// The yargs command modules of the streaming commands (logs, exec, port-forward, top), registered by
// one line in cli.ts. Each builds its StreamClient from the resolved connection.
import type { Client } from '@skiff/machinery';
import type { CommandModule } from 'yargs';
import type { Connection } from '../config.js';
import type { Io } from '../io.js';
import { logs } from './logs.js';
import { streamClient } from './stream-connection.js';

type Flags = Record<string, unknown>;
// deps: cli.ts's CliDeps (not used by these commands)
type Run = (client: Client, flags: Flags, conn: Connection, deps: any, io: Io) => Promise<number>;
export type Select = (name: string, run: Run) => (flags: Flags) => void;

export const STREAM_COMMANDS = ['logs'];

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

/** Runs `fn` with a StreamClient for the connection, closed afterwards. */
function withStream(fn: (s: ReturnType<typeof streamClient>, f: Flags, conn: Connection, io: Io) => Promise<number>): Run {
  return async (_client, f, conn, _deps, io) => {
    const s = streamClient(conn);
    try {
      return await fn(s, f, conn, io);
    } finally {
      s.close();
    }
  };
}

const namespaceOf = (f: Flags, conn: Connection): string => str(f.namespace) ?? conn.namespace;

export function streamCommands(select: Select): CommandModule[] {
  return [
    {
      command: 'logs <pod>',
      describe: "Print the logs of a pod's container",
      builder: (y) =>
        y
          .positional('pod', { type: 'string', describe: 'NAME or pod/NAME' })
          .option('container', { alias: 'c', type: 'string', describe: 'The container (default: the only one)' })
          .option('follow', { alias: 'f', type: 'boolean', describe: 'Keep streaming new lines' })
          .option('previous', { alias: 'p', type: 'boolean', describe: "The previous instance's logs (the last one that exited)" })
          .option('tail', { type: 'number', default: -1, describe: 'Only the last N lines (-1: all)' })
          .option('since', { type: 'string', describe: 'Only lines newer than a duration (5s, 2m, 1h)' })
          .option('since-time', { type: 'string', describe: 'Only lines at or after an RFC 3339 time' })
          .option('timestamps', { type: 'boolean', describe: 'Prefix each line with its time' })
          .example('$0 logs web-1 -c app --tail 20 -f', ''),
      handler: select(
        'logs',
        withStream((s, f, conn, io) =>
          logs(
            s,
            {
              pod: String(f.pod ?? ''),
              namespace: namespaceOf(f, conn),
              ...(str(f.container) ? { container: str(f.container)! } : {}),
              follow: !!f.follow,
              previous: !!f.previous,
              tail: Number(f.tail ?? -1),
              ...(str(f.since) ? { since: str(f.since)! } : {}),
              ...(str(f['since-time']) ? { sinceTime: str(f['since-time'])! } : {}),
              timestamps: !!f.timestamps,
            },
            io,
          ),
        ),
      ),
    },
  ];
}
