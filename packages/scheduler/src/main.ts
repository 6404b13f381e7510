#!/usr/bin/env node
// skiff-scheduler: flags, then run().
import { readFileSync } from 'node:fs';
import { apiClientFlags, cliFlags, apiClientFromFlags, leaderElectionFlags, leaderElectionFromFlags, letHttp2StreamsDieYoung, loggerFromFlags, logLevelFlags } from '@skiff/machinery';
import { loadConfig } from './config/load.js';
import { inTreeRegistry } from './plugins/registry.js';
import { defaultRunConfig, type SchedulerRunConfig } from './process/run-config.js';
import { run } from './run.js';

const d = defaultRunConfig;
const argv = cliFlags()
  .scriptName('skiff-scheduler')
  .usage('$0 [flags]: places pending pods on nodes, binding them through the Skiff apiserver')
  .options(apiClientFlags(d))
  .option('config', { type: 'string', describe: 'KubeSchedulerConfiguration YAML (profiles, plugins, weights, backoff); default: Kubernetes\' defaults' })
  .options(leaderElectionFlags(d))
  .option('health-port', { type: 'number', default: d.healthPort, describe: '/metrics, /healthz, /readyz port (0: any free port, -1: off)' })
  .option('health-host', { type: 'string', default: d.healthHost })
  .options(logLevelFlags)
  .parse();

function fail(msg: string): never {
  process.stderr.write(`skiff-scheduler: ${msg}\n`);
  process.exit(2);
}

let config: SchedulerRunConfig;
try {
  config = {
    ...d,
    ...apiClientFromFlags(argv),
    ...(argv.config ? { scheduling: loadConfig(readFileSync(argv.config, 'utf8'), inTreeRegistry, argv.config) } : {}),
    ...leaderElectionFromFlags(argv),
    healthHost: argv['health-host'],
  };
  const port = argv['health-port'] ?? -1;
  if (port >= 0) config.healthPort = port;
  else delete config.healthPort;
} catch (e) {
  fail((e as Error).message);
}

// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const log = loggerFromFlags('scheduler', argv);
const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
try {
  const running = await run(config, ac.signal, log);
  if (running.health) log.info('serving /metrics, /healthz, /readyz', { url: running.health.url });
  await running.stopped;
} catch (e) {
  process.stderr.write(`skiff-scheduler: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
