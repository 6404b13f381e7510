#!/usr/bin/env node
// skiff-proxy: flags (kube-proxy's where they apply), then run(), or --cleanup.
import '@skiff/machinery/small-daemon-heap'; // first: before the other modules load
import { isIPv4 } from 'node:net';
import { hostname } from 'node:os';
import { apiClientFlags, apiClientFromFlags, cliFlags, letHttp2StreamsDieYoung, heapGrowthFlags, limitHeapGrowth, loggerFromFlags, logLevelFlags } from '@skiff/machinery';
import { cleanupNode } from './process/cleanup-node.js';
import { NodePortAddresses } from './process/node-port-addresses.js';
import { DEFAULT_CLUSTER_DNS_IP, defaultProxyRunConfig as d, type BackendChoice, type ProxyRunConfig } from './process/run-config.js';
import { run } from './run.js';

const argv = cliFlags()
  .scriptName('skiff-proxy')
  .usage('$0 [flags]: programs iptables for Services on this node (kube-proxy\'s iptables mode)')
  .options(apiClientFlags(d))
  .option('hostname-override', { type: 'string', alias: 'node-name', default: hostname().toLowerCase(), describe: 'the Node this proxy runs on (its endpoints are local)' })
  .option('cluster-cidr', { type: 'string', describe: 'the pods\' CIDR: traffic to a ClusterIP from outside it is masqueraded' })
  .option('nodeport-addresses', { type: 'string', array: true, default: [] as string[], describe: 'CIDRs (comma-separated or repeated) whose local addresses accept node ports; unset: every local address' })
  .option('masquerade-all', { type: 'boolean', default: d.masqueradeAll, describe: 'masquerade all traffic sent to a service' })
  .option('iptables-min-sync-period', { type: 'string', default: '1s', describe: 'least time between syncs (e.g. 1s, 500ms)' })
  .option('iptables-sync-period', { type: 'string', default: '30s', describe: 'full resync period and longest time between syncs' })
  .option('iptables-backend', { choices: ['auto', 'nft', 'legacy'] as const, default: d.iptablesBackend, describe: 'auto: the backend the node already uses' })
  .option('cluster-dns-ip', { type: 'string', describe: `serve cluster DNS on this address (the agent's --cluster-dns; on lab nodes ${DEFAULT_CLUSTER_DNS_IP}, added to lo if missing); unset: no DNS` })
  .option('cluster-domain', { type: 'string', default: d.clusterDomain, describe: 'the cluster DNS domain' })
  .option('cluster-dns-port', { type: 'number', default: d.dnsPort, describe: 'the cluster DNS port (UDP and TCP)' })
  .option('resolv-conf', { type: 'string', default: d.resolvConf, describe: 'resolvers for names outside the cluster domain' })
  .option('cleanup', { type: 'boolean', default: false, describe: 'remove every rule and chain the proxy made, then exit' })
  .option('health-port', { type: 'number', default: d.healthPort, describe: '/healthz (fails when syncs stall), /readyz, /metrics (0: any free port, -1: off)' })
  .option('health-host', { type: 'string', default: d.healthHost })
  .options(heapGrowthFlags(10))
  .options(logLevelFlags)
  .parse();

function fail(msg: string): never {
  process.stderr.write(`skiff-proxy: ${msg}\n`);
  process.exit(2);
}

/** A Go-style duration (1s, 500ms, 1m30s) in milliseconds. */
function duration(flag: string, text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) fail(`--${flag}: invalid duration "${text}" (e.g. 1s, 500ms, 1m)`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? 's'] ?? 0), 0);
}

try {
  limitHeapGrowth(argv['heap-growth-percent']);
} catch (e) {
  fail(`--heap-growth-percent: ${(e as Error).message}`);
}
const log = loggerFromFlags('proxy', argv);
const backend = argv['iptables-backend'] as BackendChoice;

if (argv.cleanup) {
  try {
    const r = await cleanupNode({ iptablesBackend: backend });
    log.info('cleaned up', { backend: r.backend, chainsDeleted: r.chainsDeleted, dnsAddressesRemoved: r.dnsAddressesRemoved });
  } catch (e) {
    fail(`cleanup failed: ${(e as Error).message}`);
  }
  process.exit(0);
}

let config: ProxyRunConfig = { ...d, nodeName: '' };
try {
  config = {
    ...d,
    ...apiClientFromFlags(argv),
    nodeName: argv['hostname-override'],
    ...(argv['cluster-cidr'] ? { clusterCIDR: argv['cluster-cidr'] } : {}),
    masqueradeAll: argv['masquerade-all'],
    nodePortAddresses: argv['nodeport-addresses'].flatMap((a) => a.split(',')).map((a) => a.trim()).filter((a) => a !== ''),
    minSyncPeriodMs: duration('iptables-min-sync-period', argv['iptables-min-sync-period']),
    syncPeriodMs: duration('iptables-sync-period', argv['iptables-sync-period']),
    iptablesBackend: backend,
    healthPort: argv['health-port'],
    healthHost: argv['health-host'],
    ...(argv['cluster-dns-ip'] ? { clusterDNSIP: argv['cluster-dns-ip'] } : {}),
    clusterDomain: argv['cluster-domain'],
    dnsPort: argv['cluster-dns-port'],
    resolvConf: argv['resolv-conf'],
  };
  new NodePortAddresses(config.nodePortAddresses); // refuses what is not a CIDR, before anything runs
  if (config.syncPeriodMs <= 0) fail('--iptables-sync-period must be greater than 0');
  if (config.clusterDNSIP && isIPv4(config.clusterDNSIP) === false) fail(`--cluster-dns-ip: "${config.clusterDNSIP}" is not an IPv4 address`);
} catch (e) {
  fail((e as Error).message);
}

// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
try {
  const running = await run(config, ac.signal, log);
  if (running.healthServer) log.info('serving /metrics, /healthz, /readyz', { url: running.healthServer.url });
  await running.stopped;
} catch (e) {
  process.stderr.write(`skiff-proxy: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
