#!/usr/bin/env node
// skiff-cluster: a local multi-node Skiff cluster on lab machines. Flags only; the work is in
// up.ts, down.ts, status.ts and supervisor/.
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { REPO_ROOT } from './repo-root.js';
// Each command loads only its own modules: the supervisor starts without the lab, gRPC or skiffctl.

const STATE = join(REPO_ROOT, '.skiff', 'local');

async function runUp(argv: { 'state-dir': string; nodes?: number; name?: string; subnet?: string; 'cluster-cidr'?: string; 'free-ports': boolean; 'image-cache'?: string; 'user-config': boolean; seed: boolean; timeout: number; json: boolean; 'extra-args'?: string[] }) {
  const [{ up }, { startFailureMessage }, { summary }, { parseExtraArgs }] = await Promise.all([import('./up.js'), import('./progress.js'), import('./summary.js'), import('./components/registry.js')]);
  try {
    const r = await up({
      stateDir: argv['state-dir'],
      ...(argv.nodes !== undefined ? { nodes: argv.nodes } : {}),
      ...(argv.name ? { labName: argv.name } : {}),
      ...(argv.subnet ? { labSubnet: argv.subnet } : {}),
      ...(argv['cluster-cidr'] ? { clusterCIDR: argv['cluster-cidr'] } : {}),
      freePorts: argv['free-ports'],
      ...(argv['image-cache'] ? { imageCacheDir: argv['image-cache'] } : {}),
      writeUserConfig: argv['user-config'],
      seed: argv.seed,
      ...(argv['extra-args'] ? { extraArgs: parseExtraArgs(argv['extra-args']) } : {}),
      timeoutMs: argv.timeout * 1000,
    });
    if (argv.json) process.stdout.write(JSON.stringify({ server: r.server, stateDir: r.paths.dir, skiffctlConfig: r.paths.skiffctlConfig, nodes: r.lab.nodes, seed: r.seed, timings: r.timings, totalSeconds: r.totalSeconds }) + '\n');
    else process.stdout.write(summary(r, argv['user-config']) + '\n');
  } catch (e) {
    process.stderr.write(startFailureMessage(e));
    process.exitCode = 1;
  }
}

async function runSupervise(stateDir: string) {
  const [{ statePaths }, { Supervisor }, { removePidfile, writePidfile }] = await Promise.all([import('./state-dir.js'), import('./supervisor/supervisor.js'), import('./supervisor/proc.js')]);
  const paths = statePaths(stateDir);
  const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  writePidfile(paths.supervisorPid, process.pid);
  const ac = new AbortController();
  const reload = new EventTarget();
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => ac.abort());
  process.on('SIGHUP', () => reload.dispatchEvent(new Event('reload')));
  log(`supervisor pid ${process.pid} for ${paths.dir}`);
  try {
    await new Supervisor(paths, log).run(ac.signal, reload);
    log('supervisor stopped');
  } finally {
    removePidfile(paths.supervisorPid);
  }
}

await yargs(hideBin(process.argv))
  .scriptName('skiff-cluster')
  .usage('$0 up|down|status: a local Skiff cluster of lab machines, every process supervised')
  .option('state-dir', { type: 'string', default: STATE, describe: 'config, tokens, logs and pids of the cluster' })
  .command(
    'up',
    'start (or converge) the cluster and deploy the seed app',
    (y) =>
      y
        .option('nodes', { type: 'number', describe: 'number of lab machines (default 3, else as recorded)' })
        .option('name', { type: 'string', describe: 'the lab\'s name (default local)' })
        .option('subnet', { type: 'string', describe: 'the lab bridge\'s subnet (default 10.200.0.0/24)' })
        .option('cluster-cidr', { type: 'string', describe: 'the pods\' addresses, a /24 per node (default 10.244.0.0/16)' })
        .option('free-ports', { type: 'boolean', default: false, describe: 'pick free ports instead of 6443, 2379...' })
        .option('image-cache', { type: 'string', describe: 'the lab\'s image cache (default /var/cache/skiff/lab/images)' })
        .option('user-config', { type: 'boolean', default: true, describe: 'point ~/.skiff/config (skiffctl) at this cluster' })
        .option('seed', { type: 'boolean', default: true, describe: 'build and deploy the seed\'s node app' })
        .option('extra-args', { type: 'string', array: true, describe: 'COMPONENT=FLAG: one more flag for a component (controller-manager, node-agent, proxy, scheduler, apiserver, etcd); recorded' })
        .option('timeout', { type: 'number', default: 120, describe: 'seconds each waiting step may take' })
        .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON' }),
    (argv) => runUp(argv),
  )
  .command(
    'down',
    'stop every process and remove the lab',
    (y) => y.option('purge', { type: 'boolean', default: false, describe: 'also delete the state folder (etcd data, logs, tokens)' }),
    async (argv) => {
      const { down } = await import('./down.js');
      try {
        await down({ stateDir: argv['state-dir'], purge: argv.purge });
      } catch (e) {
        process.stderr.write(`skiff stop: ${(e as Error).message}\n`);
        process.exitCode = 1;
      }
    },
  )
  .command(
    'status',
    'the processes and nodes',
    (y) => y.option('output', { alias: 'o', choices: ['text', 'json'] as const, default: 'text' as const }),
    async (argv) => {
      const { clusterStatus, formatStatus } = await import('./status.js');
      const s = await clusterStatus(argv['state-dir']);
      process.stdout.write((argv.output === 'json' ? JSON.stringify(s) : formatStatus(s)) + '\n');
    },
  )
  .command('supervise', false, (y) => y, (argv) => runSupervise(argv['state-dir']))
  .demandCommand(1)
  .strict()
  .help()
  .parseAsync();
