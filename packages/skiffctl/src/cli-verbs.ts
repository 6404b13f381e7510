// The registrations of the verbs beyond get/apply/delete: scale, rollout, set image, cordon,
// uncordon, drain, label, annotate, expose, and the `create KIND NAME` generators.
import type { Argv, CommandModule } from 'yargs';
import { dryRun, list, namespaceArgs, nowOf, optional, str, type Flags, type Select } from './cli-flags.js';
import { cordonCommand } from './commands/cordon.js';
import { createConfigMap, createDeployment, createSecretGeneric } from './commands/create-kinds.js';
import { drain } from './commands/drain.js';
import { expose } from './commands/expose.js';
import { annotate, label } from './commands/label-annotate.js';
import { rolloutHistory } from './commands/rollout/history.js';
import { rolloutPatchCommand } from './commands/rollout/spec-patches.js';
import { rolloutStatus } from './commands/rollout/status.js';
import { rolloutUndo } from './commands/rollout/undo.js';
import { scale } from './commands/scale.js';
import { setImage } from './commands/set-image.js';
import type { Connection } from './config.js';

export const VERBS = ['scale', 'rollout', 'set', 'cordon', 'uncordon', 'drain', 'label', 'annotate', 'expose'];

type Module = CommandModule<object, object>;

const module = (command: string, describe: string, builder: (y: Argv) => Argv, handler: (flags: Flags) => void): Module => ({
  command,
  describe,
  builder: builder as Module['builder'],
  handler: handler as Module['handler'],
});

const dry = (y: Argv): Argv => y.option('dry-run', { type: 'string', describe: 'none, client or server: print what would happen, write nothing' });
const targets = (y: Argv): Argv =>
  y
    .option('selector', { alias: 'l', type: 'string', describe: 'Label selector instead of names' })
    .option('all', { type: 'boolean', describe: 'Every object of the type in the namespace' })
    .option('all-namespaces', { alias: 'A', type: 'boolean', describe: 'With -l or --all: across all namespaces' });
const output = (y: Argv): Argv => y.option('output', { alias: 'o', type: 'string', describe: 'name' });

function targetArgs(f: Flags, conn: Connection, resources = list(f.resources)) {
  return { resources, ...namespaceArgs(f, conn), ...optional('selector', str(f.selector)), all: !!f.all, allNamespaces: !!f['all-namespaces'] };
}
const int = (v: unknown): number | undefined => (v === undefined ? undefined : Number(v));
const namespaceOf = (f: Flags, conn: Connection): string => str(f.namespace) ?? conn.namespace;

function rollout(select: Select): Module[] {
  const patch = (verb: 'restart' | 'pause' | 'resume', describe: string): Module =>
    module(`${verb} [resources..]`, describe, (y) => dry(targets(y)), select(`rollout ${verb}`, (c, f, conn, deps, io) =>
      rolloutPatchCommand(verb)(c, { ...targetArgs(f, conn), dryRun: dryRun(f['dry-run']), ...nowOf(deps) }, io),
    ));
  return [
    module(
      'status [resources..]',
      'Follow a rollout until it completes',
      (y) =>
        targets(y)
          .option('watch', { alias: 'w', type: 'boolean', default: true, describe: 'Follow the rollout (false: print the status once)' })
          .option('timeout', { type: 'string', describe: 'Give up after this long (e.g. 5m); 0: never' }),
      select('rollout status', (c, f, conn, _d, io) => rolloutStatus(c, { ...targetArgs(f, conn), watch: f.watch !== false, ...optional('timeout', str(f.timeout)) }, io)),
    ),
    module('history [resources..]', 'List the revisions of a rollout', (y) => targets(y).option('revision', { type: 'number', describe: 'Show the pod template of this revision' }), select('rollout history', (c, f, conn, _d, io) =>
      rolloutHistory(c, { ...targetArgs(f, conn), ...(f.revision !== undefined ? { revision: Number(f.revision) } : {}) }, io),
    )),
    module('undo [resources..]', 'Roll back to the previous (or a given) revision', (y) => dry(targets(y)).option('to-revision', { type: 'number', describe: 'The revision (default: the previous one)' }), select('rollout undo', (c, f, conn, _d, io) =>
      rolloutUndo(c, { ...targetArgs(f, conn), ...(f['to-revision'] !== undefined ? { toRevision: Number(f['to-revision']) } : {}), dryRun: dryRun(f['dry-run']) }, io),
    )),
    patch('restart', 'Restart the pods of a Deployment (a new rollout)'),
    patch('pause', 'Pause a rollout: template changes wait until resume'),
    patch('resume', 'Resume a paused rollout'),
  ];
}

function metadataEdit(select: Select, verb: 'label' | 'annotate', run: typeof label): Module {
  return module(
    `${verb} [args..]`,
    verb === 'label' ? 'Set (key=value) or remove (key-) labels' : 'Set (key=value) or remove (key-) annotations',
    (y) => output(dry(targets(y))).option('overwrite', { type: 'boolean', describe: 'Allow changing an existing value' }),
    select(verb, (c, f, conn, _d, io) => {
      const { resources: _r, ...rest } = targetArgs(f, conn, []);
      return run(c, { ...rest, args: list(f.args), overwrite: !!f.overwrite, dryRun: dryRun(f['dry-run']), ...optional('output', str(f.output)) }, io);
    }),
  );
}

/** The top-level verbs, for yargs' `.command([...])`. */
export function verbCommands(select: Select): Module[] {
  return [
    module(
      'scale [resources..]',
      'Set the number of replicas of a Deployment or ReplicaSet',
      (y) =>
        output(dry(targets(y)))
          .option('replicas', { type: 'number', describe: 'The new number of replicas' })
          .option('current-replicas', { type: 'number', describe: 'Precondition: only scale if this is the current number' })
          .option('resource-version', { type: 'string', describe: 'Precondition: only scale if this is the current resourceVersion' }),
      select('scale', (c, f, conn, _d, io) =>
        scale(c, { ...targetArgs(f, conn), ...(f.replicas !== undefined ? { replicas: Number(f.replicas) } : {}), ...(f['current-replicas'] !== undefined ? { currentReplicas: Number(f['current-replicas']) } : {}), ...optional('resourceVersion', str(f['resource-version'])), dryRun: dryRun(f['dry-run']), ...optional('output', str(f.output)) }, io),
      ),
    ),
    module('rollout', 'Manage the rollout of a Deployment', (y) => y.command(rollout(select)).demandCommand(1, 'You must specify a rollout subcommand'), () => undefined),
    module(
      'set',
      'Set specific features on objects',
      (y) =>
        y
          .command(
            module('image [args..]', 'Set container images: TYPE/NAME CONTAINER=IMAGE...', (z) => output(dry(targets(z))), select('set image', (c, f, conn, _d, io) => {
              const { resources: _r, ...rest } = targetArgs(f, conn, []);
              return setImage(c, { ...rest, args: list(f.args), dryRun: dryRun(f['dry-run']), ...optional('output', str(f.output)) }, io);
            })),
          )
          .demandCommand(1, 'You must specify a set subcommand'),
      () => undefined,
    ),
    module('cordon [nodes..]', 'Mark nodes unschedulable', (y) => dry(y.option('selector', { alias: 'l', type: 'string' })), select('cordon', (c, f, _conn, _d, io) =>
      cordonCommand(true)(c, { nodes: list(f.nodes), ...optional('selector', str(f.selector)), dryRun: dryRun(f['dry-run']) }, io),
    )),
    module('uncordon [nodes..]', 'Mark nodes schedulable', (y) => dry(y.option('selector', { alias: 'l', type: 'string' })), select('uncordon', (c, f, _conn, _d, io) =>
      cordonCommand(false)(c, { nodes: list(f.nodes), ...optional('selector', str(f.selector)), dryRun: dryRun(f['dry-run']) }, io),
    )),
    module(
      'drain [nodes..]',
      'Cordon nodes and delete their pods, respecting graceful termination',
      (y) =>
        dry(y)
          .option('selector', { alias: 'l', type: 'string', describe: 'Nodes by label' })
          .option('pod-selector', { type: 'string', describe: 'Only the pods this selects' })
          .option('force', { type: 'boolean', describe: 'Also delete pods that declare no controller' })
          .option('ignore-daemonsets', { type: 'boolean', describe: 'Leave DaemonSet-managed pods alone' })
          .option('delete-emptydir-data', { type: 'boolean', describe: 'Also delete pods with emptyDir volumes (their data is lost)' })
          .option('grace-period', { type: 'number', default: -1, describe: "Seconds each pod gets to stop; -1: the pod's own" })
          .option('timeout', { type: 'string', describe: 'Give up after this long (e.g. 5m); 0: never' }),
      select('drain', (c, f, _conn, deps, io) =>
        drain(
          c,
          {
            nodes: list(f.nodes),
            ...optional('selector', str(f.selector)),
            ...optional('podSelector', str(f['pod-selector'])),
            force: !!f.force,
            ignoreDaemonSets: !!f['ignore-daemonsets'],
            deleteEmptyDirData: !!f['delete-emptydir-data'],
            ...(int(f['grace-period']) !== undefined ? { gracePeriod: int(f['grace-period'])! } : {}),
            ...optional('timeout', str(f.timeout)),
            dryRun: dryRun(f['dry-run']),
            ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
          },
          io,
        ),
      ),
    ),
    metadataEdit(select, 'label', label),
    metadataEdit(select, 'annotate', annotate),
    module(
      'expose [resources..]',
      'Create a Service for a Deployment, ReplicaSet, Service or Pod',
      (y) =>
        output(dry(y))
          .option('port', { type: 'string', describe: 'The Service port (default: the container ports)' })
          .option('target-port', { type: 'string', describe: 'The container port or its name (default: --port)' })
          .option('protocol', { type: 'string', describe: 'TCP (default) or UDP' })
          .option('type', { type: 'string', describe: 'ClusterIP (default) or NodePort' })
          .option('name', { type: 'string', describe: "The Service's name (default: the object's)" })
          .option('selector', { alias: 'l', type: 'string', describe: "key=value,...: instead of the object's selector" }),
      select('expose', (c, f, conn, _d, io) =>
        expose(
          c,
          {
            resources: list(f.resources),
            namespace: namespaceOf(f, conn),
            ...optional('port', str(f.port)),
            ...optional('targetPort', str(f['target-port'])),
            ...optional('protocol', str(f.protocol)),
            ...optional('type', str(f.type)),
            ...optional('name', str(f.name)),
            ...optional('selector', str(f.selector)),
            dryRun: dryRun(f['dry-run']),
            ...optional('output', str(f.output)),
          },
          io,
        ),
      ),
    ),
  ];
}

/** `create configmap|secret generic|deployment NAME`: subcommands of create. */
export function createGenerators(select: Select): Module[] {
  const sources = (y: Argv): Argv =>
    y
      .option('from-literal', { type: 'string', array: true, describe: 'key=value; repeatable' })
      .option('from-file', { type: 'string', array: true, describe: '[key=]path: a file, or every file of a directory; repeatable' })
      .option('from-env-file', { type: 'string', array: true, describe: 'A file of KEY=VALUE lines; repeatable' });
  const common = (f: Flags, conn: Connection, deps: { env?: Record<string, string | undefined> }) => ({
    name: String(f.name),
    namespace: namespaceOf(f, conn),
    literals: list(f['from-literal']),
    files: list(f['from-file']),
    envFiles: list(f['from-env-file']),
    env: deps.env ?? process.env,
    dryRun: dryRun(f['dry-run']),
    ...optional('output', str(f.output)),
  });
  return [
    module('configmap <name>', 'Create a ConfigMap from literals, files or an env file', (y) => sources(y), select('create configmap', (c, f, conn, deps, io) => createConfigMap(c, common(f, conn, deps), io))),
    module(
      'secret',
      'Create a Secret',
      (y) =>
        y
          .command(
            module('generic <name>', 'Create an Opaque Secret from literals, files or an env file', (z) => sources(z).option('type', { type: 'string', describe: 'The Secret type (default Opaque)' }), select('create secret generic', (c, f, conn, deps, io) =>
              createSecretGeneric(c, { ...common(f, conn, deps), ...optional('type', str(f.type)) }, io),
            )),
          )
          .demandCommand(1, 'You must specify a secret type: generic'),
      () => undefined,
    ),
    module(
      'deployment <name>',
      'Create a Deployment running the images',
      (y) =>
        y
          .option('image', { type: 'string', array: true, describe: 'Container image; repeatable (one container each)' })
          .option('replicas', { alias: 'r', type: 'number', default: 1, describe: 'Number of replicas' })
          .option('port', { type: 'number', default: -1, describe: 'containerPort of the first container' }),
      select('create deployment', (c, f, conn, _d, io) =>
        createDeployment(
          c,
          { name: String(f.name), namespace: namespaceOf(f, conn), images: list(f.image), replicas: Number(f.replicas ?? 1), port: Number(f.port ?? -1), dryRun: dryRun(f['dry-run']), ...optional('output', str(f.output)) },
          io,
        ),
      ),
    ),
  ];
}
