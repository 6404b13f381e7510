// The yargs command modules of the streaming commands (logs, exec, port-forward, top), registered by
// one line in cli.ts. Each builds its StreamClient from the resolved connection. (exec: yargs puts
// what follows `--` in `_`, after the command's name.)
import type { Client } from '@skiff/machinery';
import type { CommandModule } from 'yargs';
import type { Connection } from '../config.js';
import type { Io } from '../io.js';
import { exec } from './exec.js';
import { logs } from './logs.js';
import { portForward } from './port-forward.js';
import { streamClient } from './stream-connection.js';
import { topNodes, topPods } from './top.js';

type Flags = Record<string, unknown>;
// deps: cli.ts's CliDeps (not used by these commands)
type Run = (client: Client, flags: Flags, conn: Connection, deps: any, io: Io) => Promise<number>;
export type Select = (name: string, run: Run) => (flags: Flags) => void;

export const STREAM_COMMANDS = ['logs', 'exec', 'port-forward', 'top'];

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

/** Runs `fn` with a StreamClient for the connection, closed afterwards. */
function withStream(fn: (s: ReturnType<typeof streamClient>, f: Flags, conn: Connection, io: Io, client: Client) => Promise<number>): Run {
  return async (client, f, conn, _deps, io) => {
    const s = streamClient(conn);
    try {
      return await fn(s, f, conn, io, client);
    } finally {
      s.close();
    }
  };
}

const list = (v: unknown): string[] => (v === undefined ? [] : ([] as unknown[]).concat(v).map(String));
const noHeaders = (f: Flags): boolean => f['no-headers'] === true || f.headers === false;
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
    {
      command: 'exec <pod> [command..]',
      describe: 'Run a command in a container',
      builder: (y) =>
        y
          .positional('pod', { type: 'string', describe: 'NAME or pod/NAME' })
          .positional('command', { type: 'string', array: true, describe: 'The command and its arguments, after --' })
          .option('container', { alias: 'c', type: 'string', describe: 'The container (default: the only one)' })
          .option('stdin', { alias: 'i', type: 'boolean', describe: "Pass stdin to the command" })
          .option('tty', { alias: 't', type: 'boolean', describe: 'Run the command in a terminal (with -i: interactive)' })
          .example('$0 exec web-1 -- ls /', '')
          .example('$0 exec -it web-1 -c app -- sh', ''),
      handler: select(
        'exec',
        withStream((s, f, conn, io) =>
          exec(s, { pod: String(f.pod ?? ''), namespace: namespaceOf(f, conn), ...(str(f.container) ? { container: str(f.container)! } : {}), command: [...list(f.command), ...list(f._).slice(1)], stdin: !!f.stdin, tty: !!f.tty }, io),
        ),
      ),
    },
    {
      command: 'port-forward <pod> <ports..>',
      describe: 'Forward local ports to a pod',
      builder: (y) =>
        y
          .positional('pod', { type: 'string', describe: 'NAME or pod/NAME' })
          .positional('ports', { type: 'string', array: true, describe: 'LOCAL:REMOTE, PORT or :REMOTE' })
          .option('address', { type: 'string', describe: 'Local addresses to listen on, comma-separated (default 127.0.0.1)' })
          .example('$0 port-forward web-1 8080:80', ''),
      handler: select(
        'port-forward',
        withStream((s, f, conn, io) =>
          portForward(s, { pod: String(f.pod ?? ''), namespace: namespaceOf(f, conn), ports: list(f.ports), ...(str(f.address) ? { addresses: str(f.address)!.split(',').map((x) => (x === 'localhost' ? '127.0.0.1' : x)) } : {}) }, io),
        ),
      ),
    },
    {
      command: 'top <kind> [name]',
      describe: 'cpu and memory usage of pods or nodes',
      builder: (y) =>
        y
          .positional('kind', { type: 'string', choices: ['pods', 'pod', 'po', 'nodes', 'node', 'no'], describe: 'pods or nodes' })
          .positional('name', { type: 'string' })
          .option('selector', { alias: 'l', type: 'string', describe: 'Label selector' })
          .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'Pods of every namespace' })
          .option('containers', { type: 'boolean', describe: "Each pod's containers" })
          .option('sort-by', { type: 'string', describe: 'cpu or memory' })
          .option('no-headers', { type: 'boolean' })
          .example('$0 top pods -A --sort-by cpu', '')
          .example('$0 top nodes', ''),
      handler: select(
        'top',
        withStream((s, f, conn, io, client) => {
          const common = { ...(str(f.name) ? { name: str(f.name)! } : {}), ...(str(f.selector) ? { selector: str(f.selector)! } : {}), noHeaders: noHeaders(f), ...(str(f['sort-by']) ? { sortBy: str(f['sort-by'])! } : {}) };
          if (['nodes', 'node', 'no'].includes(String(f.kind))) return topNodes(client, s, common, io);
          return topPods(s, { ...common, namespace: namespaceOf(f, conn), allNamespaces: !!f['all-namespaces'], containers: !!f.containers }, io);
        }),
      ),
    },
  ];
}
