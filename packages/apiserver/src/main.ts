#!/usr/bin/env node
// skiff-apiserver: flags, then run().
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { letHttp2StreamsDieYoung, heapGrowthFlags, limitHeapGrowth, readSharedToken } from '@skiff/machinery';
import { defaultConfig } from './config.js';
import { run } from './server.js';

const argv = yargs(hideBin(process.argv))
  .scriptName('skiff-apiserver')
  .usage('$0 [flags]: the Skiff API server (gRPC) on etcd')
  .option('etcd-servers', { type: 'string', default: defaultConfig.etcdServers.join(','), describe: 'comma-separated etcd client URLs' })
  .option('etcd-prefix', { type: 'string', default: defaultConfig.etcdPrefix, describe: 'prefix of every etcd key' })
  .option('listen', { type: 'string', default: defaultConfig.listen, describe: 'gRPC address; off loopback a --token-file is required' })
  .option('node-agent-token-file', { type: 'string', describe: "file holding the token the node agents expect (their --server-token-file): logs, exec, port-forward and top go through them" })
  .option('token-file', { type: 'string', describe: 'bearer tokens, one CSV line each as Kubernetes\' token file (token,user,uid,"group1,group2"; "token" and "token,user" lines too)' })
  .option('http-listen', { type: 'string', default: defaultConfig.httpListen, describe: '/metrics, /healthz, /readyz address ("" disables)' })
  .option('advertise-address', { type: 'string', describe: 'address in the default/kubernetes Endpoints (default: the listen host, or the first IPv4 of this machine)' })
  .option('service-cluster-ip-range', { type: 'string', default: defaultConfig.serviceClusterIPRange })
  .option('service-node-port-range', { type: 'string', default: defaultConfig.serviceNodePortRange })
  .option('etcd-max-request-bytes', {
    type: 'number',
    default: defaultConfig.etcdMaxRequestBytes,
    describe: "etcd's --max-request-bytes (etcd 3.4's default): writes are batched within it, and larger objects refused",
  })
  .option('etcd-compaction-interval', {
    type: 'number',
    default: defaultConfig.etcdCompactionIntervalMs / 1000,
    describe: 'seconds between etcd compactions of the history older than one interval (one apiserver at a time; 0 disables)',
  })
  .option('event-ttl', { type: 'number', default: defaultConfig.eventTTLSeconds, describe: 'seconds Events are kept' })
  .option('lean-unary', {
    type: 'boolean',
    default: defaultConfig.leanUnary,
    describe: 'serve Create, Get, Update, UpdateStatus, Patch, Delete and Bind straight on the HTTP/2 stream, not through grpc-js (with the same token check when --token-file is given); --no-lean-unary: grpc-js serves every call',
  })
  .options(heapGrowthFlags(150))
  .strict()
  .help()
  .parseSync();

try {
  limitHeapGrowth(argv['heap-growth-percent']);
} catch (e) {
  process.stderr.write(`skiff-apiserver: --heap-growth-percent: ${(e as Error).message}\n`);
  process.exit(2);
}

// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
try {
  const server = await run(
    {
      etcdServers: argv['etcd-servers'].split(',').filter(Boolean),
      etcdPrefix: argv['etcd-prefix'],
      listen: argv.listen,
      ...(argv['token-file'] ? { tokenFile: argv['token-file'] } : {}),
      ...(argv['node-agent-token-file'] ? { nodeAgentToken: readSharedToken(argv['node-agent-token-file']) } : {}),
      httpListen: argv['http-listen'],
      ...(argv['advertise-address'] ? { advertiseAddress: argv['advertise-address'] } : {}),
      serviceClusterIPRange: argv['service-cluster-ip-range'],
      serviceNodePortRange: argv['service-node-port-range'],
      eventTTLSeconds: argv['event-ttl'],
      etcdMaxRequestBytes: argv['etcd-max-request-bytes'],
      etcdCompactionIntervalMs: argv['etcd-compaction-interval'] * 1000,
      leanUnary: argv['lean-unary'],
    },
    ac.signal,
  );
  await server.stopped;
} catch (e) {
  process.stderr.write(`skiff-apiserver: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
