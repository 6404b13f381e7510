#!/usr/bin/env node
// skiff-controller-manager: flags, then run().
import { apiClientFlags, cliFlags, apiClientFromFlags, leaderElectionFlags, leaderElectionFromFlags, letHttp2StreamsDieYoung, loggerFromFlags, logLevelFlags } from '@skiff/machinery';
import { defaultConfig } from './config.js';
import { run } from './run.js';

const argv = cliFlags()
  .scriptName('skiff-controller-manager')
  .usage('$0 [flags]: the Skiff controllers (ReplicaSet, Deployment, Endpoints, garbage collector, namespace, node IPAM, node lifecycle, taint eviction, pod GC), leader-elected')
  .options(apiClientFlags({ server: defaultConfig.server, qps: defaultConfig.qps, burst: defaultConfig.burst }))
  .option('http-listen', { type: 'string', default: defaultConfig.httpListen, describe: '/metrics, /healthz, /readyz address ("" disables)' })
  .option('controllers', {
    type: 'string',
    default: defaultConfig.controllers.join(','),
    describe: 'controllers to run: "*" for all, "name" to enable, "-name" to disable (e.g. "*,-deployment")',
  })
  .option('concurrent-syncs', { type: 'number', default: defaultConfig.workers, describe: 'objects reconciled at once per controller' })
  .options(leaderElectionFlags(defaultConfig))
  .option('endpoint-updates-batch-period', { type: 'number', default: defaultConfig.endpointUpdatesBatchPeriodMs / 1000, describe: 'seconds: pod changes are written to a Service\'s Endpoints at most once per period' })
  .option('cluster-cidr', { type: 'string', default: defaultConfig.clusterCIDR, describe: 'the range node pod CIDRs are allocated from' })
  .option('node-cidr-mask-size', { type: 'number', default: defaultConfig.nodeCIDRMaskSize, describe: 'prefix length of each node\'s pod CIDR' })
  .option('node-monitor-grace-period', { type: 'number', default: defaultConfig.nodeMonitorGracePeriodMs / 1000, describe: 'seconds without a heartbeat before a node is Unknown' })
  .option('node-monitor-period', { type: 'number', default: defaultConfig.nodeMonitorPeriodMs / 1000, describe: 'seconds between node health checks' })
  .option('node-startup-grace-period', { type: 'number', default: defaultConfig.nodeStartupGracePeriodMs / 1000, describe: 'seconds a new node may go without reporting' })
  .option('node-eviction-rate', { type: 'number', default: defaultConfig.nodeEvictionRate, describe: 'nodes per second whose pods are evicted, per healthy zone' })
  .option('secondary-node-eviction-rate', { type: 'number', default: defaultConfig.secondaryNodeEvictionRate, describe: 'the same in a partially disrupted zone of a large cluster' })
  .option('unhealthy-zone-threshold', { type: 'number', default: defaultConfig.unhealthyZoneThreshold, describe: 'fraction of not-ready nodes from which a zone is partially disrupted' })
  .option('large-cluster-size-threshold', { type: 'number', default: defaultConfig.largeClusterSizeThreshold, describe: 'zones up to this many nodes stop evicting when partially disrupted' })
  .option('terminated-pod-gc-threshold', { type: 'number', default: defaultConfig.terminatedPodGCThreshold, describe: 'terminated pods kept before the oldest are deleted (0 disables)' })
  .options(logLevelFlags)
  .parse();

// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
try {
  const cm = await run(
    {
      ...apiClientFromFlags(argv),
      httpListen: argv['http-listen'],
      controllers: argv.controllers.split(',').map((s) => s.trim()).filter(Boolean),
      workers: argv['concurrent-syncs'],
      ...leaderElectionFromFlags(argv),
      endpointUpdatesBatchPeriodMs: argv['endpoint-updates-batch-period'] * 1000,
      clusterCIDR: argv['cluster-cidr'],
      nodeCIDRMaskSize: argv['node-cidr-mask-size'],
      nodeMonitorGracePeriodMs: argv['node-monitor-grace-period'] * 1000,
      nodeMonitorPeriodMs: argv['node-monitor-period'] * 1000,
      nodeStartupGracePeriodMs: argv['node-startup-grace-period'] * 1000,
      nodeEvictionRate: argv['node-eviction-rate'],
      secondaryNodeEvictionRate: argv['secondary-node-eviction-rate'],
      unhealthyZoneThreshold: argv['unhealthy-zone-threshold'],
      largeClusterSizeThreshold: argv['large-cluster-size-threshold'],
      terminatedPodGCThreshold: argv['terminated-pod-gc-threshold'],
    },
    ac.signal,
    loggerFromFlags('skiff-controller-manager', argv),
  );
  if ((await cm.stopped) === 'leadership-lost') process.exitCode = 1;
} catch (e) {
  process.stderr.write(`skiff-controller-manager: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
