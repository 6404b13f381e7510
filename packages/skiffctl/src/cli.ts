// skiffctl's command line: yargs parses flags into a selected command and its arguments; the
// command then runs against a Client. runCli is the whole program in-process (main.ts calls it; so
// do the integration tests), returning the exit code.
import { createClient, type Client, type ClientConfig } from '@skiff/machinery';
import yargs, { type Argv } from 'yargs';
import { UsageError } from './cli-error.js';
import type { CliDeps } from './cli-deps.js';
import { dryRun, list, namespaceArgs, nowOf, optional, str, type Command, type Flags, type Select } from './cli-flags.js';
import { VERBS, createGenerators, verbCommands } from './cli-verbs.js';
import { clientVersion } from './client-version.js';
import { apiResources } from './commands/api-resources.js';
import { apply } from './commands/apply.js';
import { clusterInfo } from './commands/cluster-info.js';
import { create } from './commands/create.js';
import { del } from './commands/delete.js';
import { describe } from './commands/describe.js';
import { explainPlacementCommand } from './commands/explain-placement.js';
import { get } from './commands/get.js';
import { version } from './commands/version.js';
import { STREAM_COMMANDS, streamCommands } from './streams/commands.js';
import { resolveConnection, type Connection } from './config.js';
import { formatError } from './format-error.js';
import type { Io } from './io.js';
import { ManifestErrors } from './manifest-objects.js';

export type { CliDeps } from './cli-deps.js';

const COMMANDS = ['apply', 'create', 'get', 'describe', 'delete', 'version', 'cluster-info', 'api-resources', ...VERBS, ...STREAM_COMMANDS];

interface Selected {
  name: string;
  run: Command;
  flags: Flags;
}

/** Runs skiffctl with `argv` (without node and script); returns the exit code. */
export async function runCli(argv: readonly string[], io: Io, deps: CliDeps = {}): Promise<number> {
  let selected: Selected | undefined;
  const select = (name: string, run: Command) => (flags: Flags) => {
    selected = { name, run, flags };
  };
  const parser = buildParser(select);
  const parsed = await new Promise<{ error?: Error; output: string }>((resolve) => {
    // With a callback, yargs reports through it (output and errors included) instead of exiting.
    void parser.parse([...argv], {}, (error: Error | null | undefined, _argv: unknown, output: string) => resolve({ ...(error ? { error } : {}), output }));
  });
  if (parsed.error) {
    const name = selected?.name ?? argv.find((a) => COMMANDS.includes(a));
    if (!name && parsed.output) io.stderr.write(`${parsed.output}\n`);
    else io.stderr.write(`error: ${parsed.error.message}\nSee 'skiffctl${name ? ` ${name}` : ''} --help' for usage.\n`);
    return 1;
  }
  if (!selected) {
    // --help, or no command: yargs has put the text together.
    if (parsed.output) io.stdout.write(`${parsed.output}\n`);
    return 0;
  }
  const cmd = selected;
  let conn: Connection | undefined;
  let client: Client | undefined;
  try {
    conn = resolveConnection(
      { ...optional('server', str(cmd.flags.server)), ...optional('token', str(cmd.flags.token)), ...optional('config', str(cmd.flags.config)) },
      { ...(deps.env ? { env: deps.env } : {}), ...(deps.home ? { home: deps.home } : {}) },
    );
    const timeout = Number(cmd.flags['request-timeout'] ?? 0);
    const cfg: ClientConfig = { server: conn.server, userAgent: `skiffctl/${clientVersion()}`, ...(conn.token ? { token: conn.token } : {}) };
    if (timeout > 0) cfg.timeoutMs = timeout * 1000;
    client = (deps.createClient ?? createClient)(cfg);
    return await interruptible(cmd.run(client, cmd.flags, conn, deps, io), io.signal, cmd.name === 'get' && !!(cmd.flags.watch || cmd.flags['watch-only']));
  } catch (e) {
    if (e instanceof ManifestErrors) for (const p of e.problems) io.stderr.write(`error: ${p}\n`);
    else io.stderr.write(`${formatError(e, conn ? { server: conn.server } : {})}\n`);
    if (e instanceof UsageError) io.stderr.write(`See 'skiffctl ${cmd.name} -h' for help and examples.\n`);
    return 1;
  } finally {
    client?.close();
  }
}

/** Ctrl-C ends a watch quietly (the command sees the signal); anything else stops with 130. */
function interruptible(p: Promise<number>, signal: AbortSignal | undefined, handlesSignal: boolean): Promise<number> {
  if (!signal || handlesSignal) return p;
  return new Promise<number>((resolve, reject) => {
    const onAbort = (): void => resolve(130);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function buildParser(select: Select): Argv {
  const files = (y: Argv): Argv =>
    y
      .option('filename', { alias: 'f', type: 'string', nargs: 1, describe: 'File, directory or - (stdin) with the manifests; repeatable' })
      .option('recursive', { alias: 'R', type: 'boolean', describe: 'Read directories recursively' });
  const selectors = (y: Argv): Argv =>
    y
      .option('selector', { alias: 'l', type: 'string', describe: 'Label selector: app=web,tier!=db,env in (a,b)' })
      .option('field-selector', { type: 'string', describe: 'Field selector: status.phase=Running' })
      .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'Across all namespaces' });
  const dry = (y: Argv): Argv => y.option('dry-run', { type: 'string', describe: 'none, client or server: print what would happen, write nothing' });

  return yargs()
    .scriptName('skiffctl')
    .usage('skiffctl controls a Skiff cluster.\n\nUsage: $0 <command> [flags]')
    .option('server', { alias: 's', type: 'string', describe: 'Apiserver host:port (else $SKIFF_SERVER, the config file, 127.0.0.1:6443)' })
    .option('token', { type: 'string', describe: 'Bearer token (else $SKIFF_TOKEN, the config file)' })
    .option('config', { type: 'string', describe: 'Config file (else $SKIFFCONFIG, ~/.skiff/config)' })
    .option('namespace', { alias: 'n', type: 'string', describe: 'Namespace (default: the config file\'s, else "default")' })
    .option('request-timeout', { type: 'number', describe: 'Seconds to wait for each call (default 30)' })
    .command(
      'apply',
      'Create or update objects from manifests (client-side apply)',
      (y) => dry(files(y)).option('output', { alias: 'o', type: 'string', describe: 'name' }).example('$0 apply -f deploy.yaml', '').example('$0 apply -R -f manifests/', ''),
      select('apply', (c, f, conn, _d, io) =>
        apply(c, { filenames: list(f.filename), recursive: !!f.recursive, ...namespaceArgs(f, conn), dryRun: dryRun(f['dry-run']), ...optional('output', str(f.output)) }, io),
      ),
    )
    .command(
      'create',
      'Create objects from manifests (AlreadyExists if present)',
      (y) => dry(files(y)).option('save-config', { type: 'boolean', describe: 'Record the manifest for a later apply' }).option('output', { alias: 'o', type: 'string' }).command(createGenerators(select)),
      select('create', (c, f, conn, _d, io) =>
        create(
          c,
          { filenames: list(f.filename), recursive: !!f.recursive, ...namespaceArgs(f, conn), saveConfig: !!f['save-config'], dryRun: dryRun(f['dry-run']), ...optional('output', str(f.output)) },
          io,
        ),
      ),
    )
    .command(
      'get [resources..]',
      'Display one or many resources',
      (y) =>
        selectors(files(y))
          .positional('resources', { type: 'string', array: true, describe: 'TYPE[,TYPE...] [NAME...] or TYPE/NAME...' })
          .option('output', { alias: 'o', type: 'string', describe: 'wide, yaml, json or name' })
          .option('watch', { alias: 'w', type: 'boolean', describe: 'After listing, watch for changes' })
          .option('watch-only', { type: 'boolean', describe: 'Watch for changes without listing first' })
          .option('show-labels', { type: 'boolean', describe: 'Add a LABELS column' })
          .option('no-headers', { type: 'boolean', describe: 'No header row' })
          .option('ignore-not-found', { type: 'boolean', describe: 'Missing named objects are not an error' })
          .option('chunk-size', { type: 'number', default: 500, describe: 'Page size of lists' })
          .example('$0 get pods -o wide', '')
          .example('$0 get deploy,svc -A', '')
          .example('$0 get pod web-1 -o yaml', ''),
      select('get', (c, f, conn, deps, io) =>
        get(
          c,
          {
            resources: list(f.resources),
            filenames: list(f.filename),
            recursive: !!f.recursive,
            ...namespaceArgs(f, conn),
            allNamespaces: !!f['all-namespaces'],
            ...optional('output', str(f.output)),
            ...optional('selector', str(f.selector)),
            ...optional('fieldSelector', str(f['field-selector'])),
            watch: !!f.watch,
            watchOnly: !!f['watch-only'],
            showLabels: !!f['show-labels'],
            noHeaders: f['no-headers'] === true || f.headers === false,
            ignoreNotFound: !!f['ignore-not-found'],
            chunkSize: Number(f['chunk-size'] ?? 500),
            ...nowOf(deps),
          },
          io,
        ),
      ),
    )
    .command(
      'describe [resources..]',
      'Show details of objects and their events',
      (y) =>
        files(y)
          .positional('resources', { type: 'string', array: true })
          .option('selector', { alias: 'l', type: 'string' })
          .option('all-namespaces', { alias: 'A', type: 'boolean' })
          .option('show-events', { type: 'boolean', default: true }),
      select('describe', (c, f, conn, deps, io) =>
        describe(
          c,
          {
            resources: list(f.resources),
            filenames: list(f.filename),
            recursive: !!f.recursive,
            ...namespaceArgs(f, conn),
            allNamespaces: !!f['all-namespaces'],
            ...optional('selector', str(f.selector)),
            showEvents: f['show-events'] !== false,
            ...nowOf(deps),
          },
          io,
        ),
      ),
    )
    .command(
      'delete [resources..]',
      'Delete objects by name, manifest, selector or --all',
      (y) =>
        dry(selectors(files(y)))
          .positional('resources', { type: 'string', array: true })
          .option('all', { type: 'boolean', describe: 'Every object of the types in the namespace' })
          .option('cascade', { type: 'string', describe: 'background (default), foreground or orphan' })
          .option('grace-period', { type: 'number', describe: 'Seconds the pod gets to stop; -1: its own' })
          .option('now', { type: 'boolean', describe: 'Grace period 1 second' })
          .option('ignore-not-found', { type: 'boolean' })
          .option('output', { alias: 'o', type: 'string', describe: 'name' }),
      select('delete', (c, f, conn, _d, io) =>
        del(
          c,
          {
            resources: list(f.resources),
            filenames: list(f.filename),
            recursive: !!f.recursive,
            ...namespaceArgs(f, conn),
            allNamespaces: !!f['all-namespaces'],
            ...optional('selector', str(f.selector)),
            ...optional('fieldSelector', str(f['field-selector'])),
            all: !!f.all,
            ...optional('cascade', str(f.cascade)),
            ...(f['grace-period'] !== undefined ? { gracePeriod: Number(f['grace-period']) } : {}),
            now: !!f.now,
            ignoreNotFound: !!f['ignore-not-found'],
            dryRun: dryRun(f['dry-run']),
            ...optional('output', str(f.output)),
          },
          io,
        ),
      ),
    )
    .command(
      'version',
      "Print the client's and the server's version",
      (y) => y.option('client', { type: 'boolean', describe: 'Client version only' }).option('output', { alias: 'o', type: 'string', describe: 'yaml or json' }),
      select('version', (c, f, conn, _d, io) => version(c, { client: !!f.client, ...optional('output', str(f.output)), server: conn.server }, io)),
    )
    .command(
      'cluster-info',
      'Show where the control plane runs, after checking it answers',
      (y) => y,
      select('cluster-info', (c, _f, conn, _d, io) => clusterInfo(c, { server: conn.server }, io)),
    )
    .command(
      'api-resources',
      'List the resource types the server serves',
      (y) =>
        y
          .option('namespaced', { type: 'boolean', describe: 'Only namespaced (true) or cluster-scoped (false) types' })
          .option('output', { alias: 'o', type: 'string', describe: 'name or wide' })
          .option('no-headers', { type: 'boolean' }),
      select('api-resources', (c, f, _conn, _d, io) =>
        apiResources(c, { ...(f.namespaced !== undefined ? { namespaced: !!f.namespaced } : {}), ...optional('output', str(f.output)), noHeaders: f['no-headers'] === true || f.headers === false }, io),
      ),
    )
    .command(verbCommands(select))
    .command(explainPlacementCommand(select))
    .command(streamCommands(select))
    .demandCommand(1, 'You must specify a command')
    .recommendCommands()
    .strict()
    .version(false)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(120, process.stdout.columns || 100));
}

