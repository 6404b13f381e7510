#!/usr/bin/env node
// skiff-scheduler: flags, then run().
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { createLogger, leaderElectionFlags, leaderElectionFromFlags, letHttp2StreamsDieYoung, logLevels, type LogLevel } from '@skiff/machinery';
import { loadConfig } from './config/load.js';
import { inTreeRegistry } from './plugins/registry.js';
import { defaultRunConfig, type SchedulerRunConfig } from './process/run-config.js';
import { run } from './run.js';

const d = defaultRunConfig;
const argv = yargs(hideBin(process.argv))
  .scriptName('skiff-scheduler')
  .usage('$0 [flags]: places pending pods on nodes, binding them through the Skiff apiserver')
  .option('server', { type: 'string', default: process.env.SKIFF_SERVER || d.server, describe: 'apiserver host:port (else $SKIFF_SERVER)' })
  .option('token', { type: 'string', describe: 'bearer token (else $SKIFF_TOKEN, --token-file)' })
  .option('token-file', { type: 'string', describe: 'file holding the bearer token' })
  .option('config', { type: 'string', describe: 'KubeSchedulerConfiguration YAML (profiles, plugins, weights, backoff); default: Kubernetes\' defaults' })
  .options(leaderElectionFlags(d))
  .option('health-port', { type: 'number', default: d.healthPort, describe: '/metrics, /healthz, /readyz port (0: any free port, -1: off)' })
  .option('health-host', { type: 'string', default: d.healthHost })
  .option('kube-api-qps', { type: 'number', default: d.qps, describe: 'client-side rate limit towards the apiserver (<= 0: off)' })
  .option('kube-api-burst', { type: 'number', default: d.burst })
  .option('log-level', { type: 'string', choices: [...logLevels], describe: 'default $SKIFF_LOG_LEVEL, else info' })
  .strict()
  .help()
  .parseSync();

function fail(msg: string): never {
  process.stderr.write(`skiff-scheduler: ${msg}\n`);
  process.exit(2);
}

let config: SchedulerRunConfig;
try {
  const token = argv.token || process.env.SKIFF_TOKEN || (argv['token-file'] ? readFileSync(argv['token-file'], 'utf8').trim() : undefined);
  config = {
    ...d,
    server: argv.server,
    ...(token ? { token } : {}),
    ...(argv.config ? { scheduling: loadConfig(readFileSync(argv.config, 'utf8'), inTreeRegistry, argv.config) } : {}),
    ...leaderElectionFromFlags(argv),
    healthHost: argv['health-host'],
    qps: argv['kube-api-qps'],
    burst: argv['kube-api-burst'],
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

const log = createLogger({ component: 'scheduler', ...(argv['log-level'] ? { level: argv['log-level'] as LogLevel } : {}) });
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
