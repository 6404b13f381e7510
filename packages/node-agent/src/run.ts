// The node agent's process: the runtime (Docker, or the in-memory fake for hollow nodes), the
// Node registered with its Lease and status, the pod network, the pods of this node from an
// informer (spec.nodeName=<node>), the PLEG, and the sync loop feeding the pod workers.
import { readFileSync } from 'node:fs';
import type { ConfigMap, Node, Pod, Secret, Service } from '@skiff/api';
import {
  Clientset,
  EventBroadcaster,
  SharedInformerFactory,
  createClient,
  waitForApiserver,
  createMetrics,
  deletedObject,
  discardLogger,
  listerFor,
  realClock,
  sleep,
  startHealthServer,
  type Client,
  type Clock,
  type HealthServer,
  type Logger,
} from '@skiff/machinery';
import { DEFAULT_NETWORK_NAME, type PodNetwork } from './network/pod-network.js';
import { FakePodNetwork } from './network/fake-pod-network.js';
import { HostPodNetwork } from './network/host-pod-network.js';
import { HostCommandRunner } from './network/command-runner.js';
import { minOomScoreAdj } from './node/capabilities.js';
import { allocatableOf, capacityOf, defaultNodeIP, machineFacts } from './node/node-facts.js';
import { cpuQuantity, evictionReservation, parseReserved, sumReservations } from './node/allocatable.js';
import { NodeLease } from './node/node-lease.js';
import { NodeStatusReporter } from './node/node-status.js';
import { Pleg } from './pleg/pleg.js';
import { DockerRuntime, dockerClient } from './runtime/docker/docker-runtime.js';
import { FakeRuntime } from './runtime/fake/fake-runtime.js';
import type { ContainerRuntime } from './runtime/runtime.js';
import { StatusManager } from './status/status-manager.js';
import { CrashBackoff } from './sync/backoff.js';
import { ImageManager } from './sync/images.js';
import { PodSyncer } from './sync/pod-syncer.js';
import { PodWorkers } from './sync/pod-workers.js';
import { SyncLoop } from './sync/sync-loop.js';
import { ProbeManager } from './probe/probe-manager.js';
import { listerEnvSources } from './env/env-sources.js';
import { DEFAULT_CLUSTER_DOMAIN, type DNSNode } from './dns/pod-dns.js';
import { parseResolvConf } from './dns/resolv-conf.js';
import { getMaxListeners, setMaxListeners } from 'node:events';
import { mkdir, statfs } from 'node:fs/promises';
import { Housekeeping } from './gc/housekeeping.js';
import { LocalStorageEviction } from './eviction/local-storage.js';
import { PressureEviction } from './eviction/pressure-eviction.js';
import { podMemoryUsage } from './eviction/pod-usage.js';
import { ImageGC } from './gc/image-gc.js';
import { DEFAULT_EVICTION_HARD, PressureTracker, observePressure, parseEvictionHard, parseEvictionSoft, readNodeFigures } from './node/pressure.js';
import { FakeMounter, HostMounter, type Mounter } from './volumes/mounter.js';
import { DEFAULT_ROOT_DIR, VolumeManager } from './volumes/volume-manager.js';
import { DEFAULT_SERVER_PORT, startAgentServer, type AgentServer } from './server/agent-server.js';

export interface AgentConfig {
  /** host:port of the apiserver */
  server: string;
  token?: string;
  /** client-side rate limit towards the apiserver (the kubelet's --kube-api-qps/--kube-api-burst; <= 0: off) */
  qps?: number;
  burst?: number;
  nodeName: string;
  /** the node's InternalIP (default: the first non-loopback IPv4) */
  nodeIP?: string;
  runtime: 'docker' | 'fake';
  dockerHost?: string;
  /** used when the Node has no spec.podCIDR */
  podCIDR?: string;
  clusterCIDR: string;
  infraImage: string;
  /** the cluster DNS server(s) for ClusterFirst pods (comma-separated); none: pods use the node's resolv.conf */
  clusterDNS?: string;
  /** the cluster's DNS domain (default cluster.local) */
  clusterDomain?: string;
  /** the node's resolv.conf, the base of Default pods and the tail of ClusterFirst search paths (default /etc/resolv.conf) */
  resolvConf?: string;
  /** /healthz, /readyz, /metrics on 127.0.0.1; -1 disables */
  healthPort: number;
  /** pods' volumes live under <rootDir>/pods/<uid>; default /var/lib/skiff-agent (docker runtime); the fake runtime sets up volumes only when given */
  rootDir?: string;
  /** hard eviction thresholds for MemoryPressure/DiskPressure (the kubelet's --eviction-hard); the fake runtime reports none */
  evictionHard?: string;
  /** resources held back from pods for the node agent and the runtime (--kube-reserved: `cpu=100m,memory=100Mi,ephemeral-storage=1Gi,pid=1000`) and for the OS (--system-reserved); default none */
  kubeReserved?: string;
  systemReserved?: string;
  /** soft eviction thresholds (--eviction-soft, same syntax), each with its grace period in evictionSoftGracePeriod */
  evictionSoft?: string;
  /** `memory.available=1m30s,...` (--eviction-soft-grace-period, Go durations) */
  evictionSoftGracePeriod?: string;
  /** the cap in seconds on the grace period of a soft eviction (--eviction-max-pod-grace-period; default 0; negative: the pod's own) */
  evictionMaxPodGracePeriod?: number;
  /** the token the apiserver presents to the agent's server (logs, exec, port-forward, stats); the
   * server runs only with one */
  serverToken?: string;
  /** the agent server's port (default 10250; 0: any free port), published in the Node's daemonEndpoints */
  serverPort?: number;
  /** the address the agent server binds (default: nodeIP) */
  serverHost?: string;
  /** tests: a client, runtime or pod network of their own */
  client?: Client;
  containerRuntime?: ContainerRuntime;
  podNetwork?: PodNetwork;
  mounter?: Mounter;
  clock?: Clock;
  resyncPeriodMs?: number;
  nodeStatusUpdateMs?: number;
  leaseRenewMs?: number;
  plegRelistMs?: number;
  housekeepingPeriodMs?: number;
  /** the container GC's period (the kubelet's 1 minute; the first collection one period after the start) */
  containerGCPeriodMs?: number;
}

export const defaultAgentConfig = {
  clusterCIDR: '10.244.0.0/16',
  infraImage: 'skiff/pause:0.1',
  healthPort: 10248,
  runtime: 'docker' as const,
};

export interface RunningAgent {
  nodeName: string;
  runtime: ContainerRuntime;
  workers: PodWorkers;
  health?: HealthServer;
  /** settles once everything stopped after the signal aborted; containers keep running */
  stopped: Promise<void>;
}

function makeRuntime(config: AgentConfig): ContainerRuntime {
  if (config.containerRuntime) return config.containerRuntime;
  if (config.runtime === 'fake') return new FakeRuntime({ infraImage: config.infraImage, pullAny: true, ...(config.podCIDR ? { podCIDR: config.podCIDR } : {}) });
  return new DockerRuntime({ infraImage: config.infraImage, network: DEFAULT_NETWORK_NAME, ...(config.dockerHost ? { dockerHost: config.dockerHost } : {}) });
}

function makeNetwork(config: AgentConfig, podCIDR: string): PodNetwork {
  if (config.podNetwork) return config.podNetwork;
  if (config.runtime === 'fake') return new FakePodNetwork({ podCIDR, clusterCIDR: config.clusterCIDR });
  return new HostPodNetwork(dockerClient(config.dockerHost), new HostCommandRunner(), { podCIDR, clusterCIDR: config.clusterCIDR });
}

function dnsNode(config: AgentConfig): DNSNode {
  let host = { servers: [] as string[], searches: [] as string[], options: [] as string[] };
  try {
    host = parseResolvConf(readFileSync(config.resolvConf ?? '/etc/resolv.conf', 'utf8'));
  } catch {
    // no resolv.conf: Default pods get the runtime's default, ClusterFirst ones no node search path
  }
  const clusterDNS = (config.clusterDNS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return { clusterDNS, clusterDomain: config.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, host };
}

function rootDirOf(config: AgentConfig): string | undefined {
  return config.rootDir ?? (config.runtime === 'fake' ? undefined : DEFAULT_ROOT_DIR);
}

export async function run(config: AgentConfig, signal: AbortSignal, log: Logger = discardLogger()): Promise<RunningAgent> {
  const clock = config.clock ?? realClock;
  // every loop of the agent waits on this signal (a dozen at once): not a leak
  setMaxListeners(Math.max(getMaxListeners(signal), 32), signal);
  const client = config.client ?? createClient({ server: config.server, ...(config.token ? { token: config.token } : {}), userAgent: 'skiff-node-agent', rateLimit: { ...(config.qps !== undefined ? { qps: config.qps } : {}), ...(config.burst !== undefined ? { burst: config.burst } : {}) } });
  const clients = new Clientset(client);
  const runtime = makeRuntime(config);
  const version = await runtime.version();
  const nodeIP = config.nodeIP ?? defaultNodeIP();
  const agentServer: AgentServer | undefined = config.serverToken
    ? await startAgentServer({ host: config.serverHost ?? nodeIP, port: config.serverPort ?? DEFAULT_SERVER_PORT, token: config.serverToken, nodeName: config.nodeName, runtime, log }, signal)
    : undefined;
  const thresholds = [
    ...parseEvictionHard(config.evictionHard ?? (config.runtime === 'fake' ? '' : DEFAULT_EVICTION_HARD)),
    ...parseEvictionSoft(config.evictionSoft ?? '', config.evictionSoftGracePeriod ?? ''),
  ];
  const machine = machineFacts(config.nodeName, nodeIP, `${version.runtimeName}://${version.runtimeVersion}`);
  // allocatable = capacity - kube-reserved - system-reserved - the hard eviction thresholds
  const reservation = sumReservations(parseReserved('kube-reserved', config.kubeReserved ?? ''), parseReserved('system-reserved', config.systemReserved ?? ''), evictionReservation(thresholds, capacityOf(machine)));
  const facts = { ...machine, reservation, ...(agentServer ? { serverPort: agentServer.port } : {}) };
  const allocatable = allocatableOf(facts);
  const pleg = new Pleg(runtime, { clock, ...(config.plegRelistMs ? { relistPeriodMs: config.plegRelistMs } : {}), onError: (what, err) => log.warn('pleg failed', { what, err }) });
  await pleg.relist();
  const rootDir = rootDirOf(config);
  if (rootDir) await mkdir(rootDir, { recursive: true });
  const pressure = new PressureTracker();
  const pressureNow = async () => {
    if (thresholds.length === 0) return {};
    try {
      return pressure.observe(clock.now(), observePressure(await readNodeFigures(rootDir ?? '/'), thresholds));
    } catch (err) {
      log.warn('node figures unreadable', { err });
      return {};
    }
  };

  let network: PodNetwork | undefined;
  let networkCIDR: string | undefined;
  let networkProblem: string | undefined = 'network is not ready: the pod network is not set up yet';
  const reporter = new NodeStatusReporter({
    clients,
    facts: () => facts,
    clock,
    log,
    ...(config.podCIDR ? { podCIDR: config.podCIDR } : {}),
    ...(config.nodeStatusUpdateMs ? { updateMs: config.nodeStatusUpdateMs } : {}),
    health: async () => ({ ...(await readiness()), ...(await pressureNow()) }),
  });
  async function readiness(): Promise<{ problem?: string }> {
    try {
      await runtime.version();
    } catch (e) {
      return { problem: `container runtime is down: ${(e as Error).message}` };
    }
    if (!pleg.healthy()) return { problem: 'PLEG is not healthy: no relist for 3 minutes' };
    if (!network) await setUpNetwork();
    if (!network) return { problem: networkProblem ?? 'network is not ready: no pod CIDR' };
    const bad = await network.check();
    return bad === undefined ? {} : { problem: `network is not ready: ${bad}` };
  }
  /** The pod network on the Node's spec.podCIDR (else --pod-cidr); tried again at every status sync until it is in place (IPAM may assign the CIDR later). */
  async function setUpNetwork(): Promise<void> {
    const podCIDR = reporter.podCIDR();
    if (!podCIDR) {
      networkProblem = 'network is not ready: the node has no pod CIDR (spec.podCIDR or --pod-cidr)';
      return;
    }
    const candidate = makeNetwork(config, podCIDR);
    try {
      await candidate.setUp();
      network = candidate;
      networkCIDR = podCIDR;
      networkProblem = undefined;
      log.info('pod network set up', { podCIDR });
    } catch (e) {
      networkProblem = `network is not ready: ${(e as Error).message}`;
      log.error('pod network setup failed', { err: e });
    }
  }
  // Started alongside the apiserver: register as soon as it answers. With --pod-cidr the pod network
  // needs nothing from the apiserver, so it is set up meanwhile (off the path to Ready); should the
  // Node turn out to hold another spec.podCIDR, that one wins and the next status sync sets it up.
  await Promise.all([config.podCIDR ? setUpNetwork() : undefined, waitForApiserver(client, { signal, log })]);
  await reporter.register();
  if (network && networkCIDR !== reporter.podCIDR()) {
    log.warn('the Node holds another pod CIDR than --pod-cidr: setting the pod network up on it', { podCIDR: reporter.podCIDR(), flag: networkCIDR });
    network = undefined;
  }
  await reporter.sync(true);

  const factory = new SharedInformerFactory({ client, log, clock });
  const podInformer = factory.informerFor<Pod>('pods', { fieldSelector: `spec.nodeName=${config.nodeName}` });
  const nodeInformer = factory.informerFor<Node>('nodes');
  const broadcaster = new EventBroadcaster({ client, log, clock });
  const recorder = broadcaster.newRecorder({ component: 'node-agent', host: config.nodeName });
  const record = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => recorder.event(pod, type, reason, message);
  const configMapInformer = factory.informerFor<ConfigMap>('configmaps');
  const secretInformer = factory.informerFor<Secret>('secrets');
  const serviceInformer = factory.informerFor<Service>('services');
  const backoff = new CrashBackoff();
  const now = () => clock.now();
  let onProbeChange = (_uid: string): void => undefined;
  const probes = new ProbeManager({ runtime, clock, record, onChange: (uid) => onProbeChange(uid) });
  const volumes = rootDir
    ? new VolumeManager({
        rootDir,
        mounter: config.mounter ?? (config.runtime === 'fake' ? new FakeMounter() : new HostMounter()),
        // the informers' caches, as env does: an update reaches the files at the pod's next sync
        sources: { configMap: async (ns, name) => listerFor(configMapInformer).get(ns, name), secret: async (ns, name) => listerFor(secretInformer).get(ns, name) },
        node: () => allocatable,
        now,
      })
    : undefined;
  const statuses = new StatusManager(clients, { clock, log });
  const syncer = new PodSyncer({
    runtime,
    clients,
    images: new ImageManager(runtime, backoff, record, now),
    backoff,
    statuses,
    record,
    node: { hostIP: nodeIP, memoryCapacityBytes: facts.memoryBytes, minOomScoreAdj: config.runtime === 'fake' ? -1000 : minOomScoreAdj() },
    runtimeName: version.runtimeName,
    now,
    envSources: listerEnvSources(listerFor(configMapInformer), listerFor(secretInformer), listerFor(serviceInformer)),
    allocatable: { cpu: cpuQuantity(allocatable.cpuMilli), memory: String(allocatable.memoryBytes), 'ephemeral-storage': String(allocatable.ephemeralStorageBytes) },
    dns: dnsNode(config),
    probes,
    ...(volumes ? { volumes } : {}),
  });
  const pods = listerFor(podInformer);
  const workers = new PodWorkers(
    {
      sync: (pod) => syncer.sync(pod, signal),
      kill: (uid) => syncer.removeOrphan(uid),
      latest: (uid) => pods.list().find((p) => p.metadata.uid === uid),
      onError: (uid, err) => log.warn('pod sync failed', { podUid: uid, err }),
    },
    clock,
  );
  const evictPod = (pod: Pod, message: string, graceSeconds: number) => {
    syncer.markEvicted(pod.metadata.uid ?? '', message, graceSeconds);
    workers.update(pod.metadata.uid ?? '', { kind: 'sync', pod });
  };
  onProbeChange = (uid) => {
    const pod = pods.list().find((p) => p.metadata.uid === uid);
    if (pod) workers.update(uid, { kind: 'sync', pod });
  };
  const loop = new SyncLoop(pods, runtime, workers, { clock, ...(config.resyncPeriodMs ? { resyncPeriodMs: config.resyncPeriodMs } : {}), onError: (what, err) => log.warn('sync loop', { what, err }) });
  podInformer.addEventHandler({
    onAdd: (pod) => loop.push({ source: 'pods', op: 'add', pod }),
    // as the kubelet (podsDifferSemantically): a change of the status alone, the agent's own writes
    // among them, syncs nothing; the periodic resync and the runtime's events still do
    onUpdate: (old, pod) => {
      if (!statusOnlyChange(old, pod)) loop.push({ source: 'pods', op: 'update', pod });
    },
    onDelete: (obj) => loop.push({ source: 'pods', op: 'delete', pod: deletedObject(obj) }),
  });
  let routesDirty = true;
  nodeInformer.addEventHandler({ onAdd: () => (routesDirty = true), onUpdate: () => (routesDirty = true), onDelete: () => (routesDirty = true) });
  factory.start(signal);
  await podInformer.waitForSync(signal);
  await Promise.all([configMapInformer, secretInformer, serviceInformer].map((i) => i.waitForSync(signal)));

  const health =
    config.healthPort >= 0
      ? await startHealthServer({ port: config.healthPort, registry: createMetrics({ labels: { component: 'node-agent' } }), checks: { pods: () => podInformer.hasSynced(), pleg: () => pleg.healthy() }, signal, log })
      : undefined;

  const routes = async () => {
    while (!signal.aborted) {
      if (routesDirty && network && nodeInformer.hasSynced()) {
        routesDirty = false;
        const peers = listerFor(nodeInformer)
          .list()
          .filter((n) => n.metadata.name !== config.nodeName)
          .map((n) => ({ name: n.metadata.name ?? '', podCIDR: n.spec?.podCIDR, internalIP: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address }));
        try {
          await network.syncRoutes(peers.map((p) => ({ name: p.name, ...(p.podCIDR ? { podCIDR: p.podCIDR } : {}), ...(p.internalIP ? { internalIP: p.internalIP } : {}) })));
        } catch (err) {
          routesDirty = true;
          log.warn('route sync failed', { err });
        }
      }
      await sleep(clock, 1000, signal);
    }
  };

  const imageGC = volumes
    ? new ImageGC({
        runtime,
        pinnedRefs: [config.infraImage],
        now,
        fsStats: async () => {
          const fs = await statfs(volumes.rootDir);
          return { capacityBytes: fs.blocks * fs.bsize, availableBytes: fs.bavail * fs.bsize };
        },
      })
    : undefined;
  log.info('node agent running', { node: config.nodeName, runtime: version.runtimeName, podCIDR: reporter.podCIDR() });
  const stopped = Promise.allSettled([
    new NodeLease(clients, config.nodeName, () => reporter.current()?.metadata.uid, { clock, log, ...(config.leaseRenewMs ? { renewMs: config.leaseRenewMs } : {}) }).run(signal),
    reporter.run(signal),
    pleg.run(signal, (event) => {
      syncer.invalidate(event.podUid);
      loop.push({ source: 'pleg', event });
    }),
    loop.run(signal),
    routes(),
    new Housekeeping({
      runtime,
      podExists: (uid) => pods.list().some((p) => p.metadata.uid === uid),
      ...(thresholds.length > 0
        ? {
            pressureEviction: new PressureEviction({
              thresholds,
              figures: () => readNodeFigures(rootDir ?? '/'),
              usage: () => podMemoryUsage(runtime),
              pods: () => pods.list(),
              evict: evictPod,
              ...(imageGC ? { reclaimDisk: async () => void (await imageGC.collect()) } : {}),
              ...(config.evictionMaxPodGracePeriod !== undefined ? { maxPodGracePeriodSeconds: config.evictionMaxPodGracePeriod } : {}),
              now,
            }),
          }
        : {}),
      ...(volumes && imageGC
        ? {
            volumes,
            images: imageGC,
            localStorage: new LocalStorageEviction({
              pods: () => pods.list(),
              volumes,
              runtime,
              evict: evictPod,
            }),
          }
        : {}),
      clock,
      log,
      ...(config.housekeepingPeriodMs ? { periodMs: config.housekeepingPeriodMs } : {}),
      ...(config.containerGCPeriodMs ? { containerGCPeriodMs: config.containerGCPeriodMs } : {}),
    }).run(signal),
    agentServer?.stopped,
  ]).then(async () => {
    workers.stop();
    await workers.idle();
    await statuses.stop();
    await probes.stop();
    await broadcaster.shutdown();
    await health?.close();
    if (!config.client) client.close();
  });
  return { nodeName: config.nodeName, runtime, workers, ...(health ? { health } : {}), stopped };
}

/** Whether two versions of a pod differ in their status (and resourceVersion) only. */
function statusOnlyChange(a: Pod, b: Pod): boolean {
  const { resourceVersion: _ra, ...metaA } = a.metadata;
  const { resourceVersion: _rb, ...metaB } = b.metadata;
  return JSON.stringify(metaA) === JSON.stringify(metaB) && JSON.stringify(a.spec) === JSON.stringify(b.spec);
}
