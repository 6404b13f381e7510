#!/usr/bin/env node
// skiff-controller-manager: flags, then run().
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { leaderElectionFlags, leaderElectionFromFlags, letHttp2StreamsDieYoung } from '@skiff/machinery';
import { defaultConfig } from './config.js';
import { run } from './run.js';

const argv = yargs(hideBin(process.argv))
  .scriptName('skiff-controller-manager')
  .usage('$0 [flags]: the Skiff controllers (ReplicaSet, Deployment), leader-elected')
  .option('server', { type: 'string', default: defaultConfig.server, describe: 'apiserver host:port' })
  .option('token-file', { type: 'string', describe: 'file holding the bearer token' })
  .option('http-listen', { type: 'string', default: defaultConfig.httpListen, describe: '/metrics, /healthz, /readyz address ("" disables)' })
  .option('controllers', {
    type: 'string',
    default: defaultConfig.controllers.join(','),
    describe: 'controllers to run: "*" for all, "name" to enable, "-name" to disable (e.g. "*,-deployment")',
  })
  .option('concurrent-syncs', { type: 'number', default: defaultConfig.workers, describe: 'objects reconciled at once per controller' })
  .options(leaderElectionFlags(defaultConfig))
  .option('kube-api-qps', { type: 'number', default: defaultConfig.qps, describe: 'client requests per second (0: unlimited)' })
  .option('kube-api-burst', { type: 'number', default: defaultConfig.burst })
  .strict()
  .help()
  .parseSync();

// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
try {
  const { readFileSync } = await import('node:fs');
  const token = argv['token-file'] ? readFileSync(argv['token-file'], 'utf8').trim() : undefined;
  const cm = await run(
    {
      server: argv.server,
      ...(token ? { token } : {}),
      httpListen: argv['http-listen'],
      controllers: argv.controllers.split(',').map((s) => s.trim()).filter(Boolean),
      workers: argv['concurrent-syncs'],
      ...leaderElectionFromFlags(argv),
      qps: argv['kube-api-qps'],
      burst: argv['kube-api-burst'],
    },
    ac.signal,
  );
  if ((await cm.stopped) === 'leadership-lost') process.exitCode = 1;
} catch (e) {
  process.stderr.write(`skiff-controller-manager: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
