#!/usr/bin/env node
// skiff-node-agent: flags, then run().
import '@skiff/machinery/small-daemon-heap'; // first: before the other modules load
import { useOptimizingCompiler } from './optimizing-compiler.js'; // second: before code gets hot
import './defer-dockerode-extras.js'; // before dockerode loads
import { apiClientFlags, apiClientFromFlags, cliFlags, DEFAULT_BURST, DEFAULT_QPS, letHttp2StreamsDieYoung, loggerFromFlags, logLevelFlags, readSharedToken } from '@skiff/machinery';
import { hostname } from 'node:os';
import { defaultAgentConfig, run } from './run.js';
import { DEFAULT_EVICTION_HARD } from './node/pressure.js';
import { DEFAULT_ROOT_DIR } from './volumes/volume-manager.js';

const argv = cliFlags()
  .scriptName('skiff-node-agent')
  .usage('$0 [flags]: the node agent: registers the Node and runs the pods bound to it')
  .options(apiClientFlags({ server: '127.0.0.1:6443', qps: DEFAULT_QPS, burst: DEFAULT_BURST }))
  .option('node-name', { type: 'string', default: hostname().toLowerCase(), describe: 'the Node object this agent registers and serves' })
  .option('node-ip', { type: 'string', describe: "the node's InternalIP (default: the first non-loopback IPv4)" })
  .option('runtime', { choices: ['docker', 'fake'] as const, default: defaultAgentConfig.runtime, describe: 'docker, or fake: in memory, for hollow nodes' })
  .option('docker-host', { type: 'string', describe: 'dockerd socket (unix:///path/docker.sock); default /var/run/docker.sock' })
  .option('pod-cidr', { type: 'string', describe: "the node's pod CIDR when the Node has no spec.podCIDR" })
  .option('cluster-cidr', { type: 'string', default: defaultAgentConfig.clusterCIDR, describe: "the cluster's pod CIDR" })
  .option('infra-image', { type: 'string', default: defaultAgentConfig.infraImage, describe: 'the pod sandbox image' })
  .option('cluster-dns', { type: 'string', describe: 'DNS server IP(s) for ClusterFirst pods, comma-separated (none: pods use the node resolv.conf)' })
  .option('cluster-domain', { type: 'string', default: 'cluster.local', describe: "the cluster's DNS domain" })
  .option('resolv-conf', { type: 'string', default: '/etc/resolv.conf', describe: "the node's resolv.conf for Default pods and the search path" })
  .option('root-dir', { type: 'string', describe: `the agent's directory: pods' volumes live under <root-dir>/pods/<uid> (default ${DEFAULT_ROOT_DIR}; the fake runtime sets up volumes only when given)` })
  .option('eviction-hard', { type: 'string', describe: `MemoryPressure/DiskPressure thresholds (default ${DEFAULT_EVICTION_HARD}; none with the fake runtime); signals memory.available, nodefs.available, nodefs.inodesFree` })
  .option('kube-reserved', { type: 'string', describe: 'resources held back from pods for the agent and the runtime, e.g. cpu=100m,memory=100Mi,ephemeral-storage=1Gi,pid=1000 (allocatable = capacity - kube-reserved - system-reserved - hard eviction thresholds)' })
  .option('system-reserved', { type: 'string', describe: 'resources held back from pods for the OS (as --kube-reserved)' })
  .option('eviction-soft', { type: 'string', describe: 'soft eviction thresholds (as --eviction-hard): a pod is evicted once one is met for its grace period' })
  .option('eviction-soft-grace-period', { type: 'string', describe: 'the grace period of each soft threshold, e.g. memory.available=1m30s' })
  .option('eviction-max-pod-grace-period', { type: 'number', default: 0, describe: "the most seconds a pod evicted for a soft threshold gets to stop (its own terminationGracePeriodSeconds when shorter; negative: always its own)" })
  .option('js-optimizer', { type: 'boolean', default: false, describe: "let V8 optimize hot JavaScript (TurboFan): more speed for a busy agent, about 10 MB more memory" })
  .option('health-port', { type: 'number', default: defaultAgentConfig.healthPort, describe: '/healthz, /readyz and /metrics on 127.0.0.1 (-1 disables)' })
  .option('server-token-file', { type: 'string', describe: "file holding the token the apiserver presents to this agent's server (logs, exec, port-forward, top); without it the server does not run" })
  .option('server-port', { type: 'number', default: 10250, describe: "the agent server's port, on --node-ip (published in the Node's status.daemonEndpoints)" })
  .options(logLevelFlags)
  .parse();

useOptimizingCompiler(argv['js-optimizer']);

// Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
// generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();

const log = loggerFromFlags('node-agent', argv);
const ac = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => ac.abort());
try {
  const agent = await run(
    {
      ...apiClientFromFlags(argv),
      nodeName: argv['node-name'],
      ...(argv['node-ip'] ? { nodeIP: argv['node-ip'] } : {}),
      runtime: argv.runtime,
      ...(argv['docker-host'] ? { dockerHost: argv['docker-host'] } : {}),
      ...(argv['pod-cidr'] ? { podCIDR: argv['pod-cidr'] } : {}),
      clusterCIDR: argv['cluster-cidr'],
      infraImage: argv['infra-image'],
      ...(argv['cluster-dns'] ? { clusterDNS: argv['cluster-dns'] } : {}),
      clusterDomain: argv['cluster-domain'],
      resolvConf: argv['resolv-conf'],
      healthPort: argv['health-port'],
      ...(argv['root-dir'] ? { rootDir: argv['root-dir'] } : {}),
      ...(argv['eviction-hard'] !== undefined ? { evictionHard: argv['eviction-hard'] } : {}),
      ...(argv['kube-reserved'] !== undefined ? { kubeReserved: argv['kube-reserved'] } : {}),
      ...(argv['system-reserved'] !== undefined ? { systemReserved: argv['system-reserved'] } : {}),
      ...(argv['eviction-soft'] !== undefined ? { evictionSoft: argv['eviction-soft'] } : {}),
      ...(argv['eviction-soft-grace-period'] !== undefined ? { evictionSoftGracePeriod: argv['eviction-soft-grace-period'] } : {}),
      evictionMaxPodGracePeriod: argv['eviction-max-pod-grace-period'],
      ...(argv['server-token-file'] ? { serverToken: readSharedToken(argv['server-token-file']) } : {}),
      serverPort: argv['server-port'],
    },
    ac.signal,
    log,
  );
  await agent.stopped;
} catch (e) {
  process.stderr.write(`skiff-node-agent: ${(e as Error).message}\n`);
  // exit now: what started before the failure (the agent server) would keep the process alive, and
  // a service manager restarts only a process that exits (the apiserver not up yet at boot)
  process.exit(1);
}
