// skiff-apiserver: run(config, signal) wires etcd, the watch caches, the registry and the gRPC server.
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { protoRoot, resourceByKind, resourceTypes, SYSTEM_PRIORITY_CLASSES, type KObject } from '@skiff/api';
import { createLogger, createMetrics, resourcesServiceDefinition, RESOURCES_SERVICE, startHealthServer, type Logger } from '@skiff/machinery';
import { resolveConfig, type ApiServerConfig } from './config.js';
import { KeyLayout } from './etcd/keys.js';
import { EtcdStore } from './etcd/store.js';
import { createEtcdClient } from './etcd/client.js';
import { EtcdWire } from './etcd/etcd-wire.js';
import { Compactor } from './etcd/compactor.js';
import { WatchCache } from './cache/watch-cache.js';
import { EtcdSource } from './cache/etcd-source.js';
import { clusterIPAllocator, nodePortAllocator } from './alloc/allocator.js';
import { Registry } from './registry/registry.js';
import { EventLeases } from './registry/event-leases.js';
import { advertisedAddress, firstServiceIP, reconcileKubernetesService, runKubernetesServiceReconciler } from './registry/kubernetes-service.js';
import { resourceHandlers } from './grpc/handlers.js';
import { installLeanUnary, type LeanMethod } from './grpc/lean-unary.js';
import { streamHandlers } from './grpc/streams/stream-handlers.js';
import { NodeAgents } from './grpc/streams/node-agents.js';
import { addReflection } from './grpc/reflection/reflection.js';
import { isLoopback, loopbackAuthentication, tokenAuthentication } from './grpc/auth.js';
import { readTokenFile } from './grpc/token-file.js';
import { APISERVER_CONTEXT } from './grpc/user-info.js';
import { apiserverMetrics } from './metrics.js';

export interface RunningApiServer {
  /** host:port the gRPC server listens on (the real port when 0 was asked). */
  address: string;
  /** http://host:port of /metrics, /healthz, /readyz, or "" when disabled. */
  httpAddress: string;
  registry: Registry;
  /** Resolves when the server has stopped (after the signal aborted). */
  stopped: Promise<void>;
}

const MAX_MESSAGE = 4 * 1024 * 1024;
/** The unary methods of skiff.v1.Resources served by the lean path (with the token authentication, if any). */
// Bind: the scheduler's one write per pod (pods/binding), as hot as the creates.
const LEAN_METHODS = ['Create', 'Get', 'Update', 'UpdateStatus', 'Patch', 'Delete', 'Bind'] as const;

/** What tests may replace inside the apiserver. */
export interface RunHooks {
  /** Draws a name from metadata.generateName (default @skiff/api's generateName). */
  drawGeneratedName?: (generateName: string) => string;
}

export async function run(partial: Partial<ApiServerConfig>, signal: AbortSignal, logger?: Logger, hooks: RunHooks = {}): Promise<RunningApiServer> {
  const config: ApiServerConfig = resolveConfig(partial);
  const log = logger ?? createLogger({ component: 'skiff-apiserver' });
  const { host, port } = splitHostPort(config.listen);
  const tokens = config.tokenFile ? readTokenFile(config.tokenFile) : undefined;
  if (!isLoopback(host) && !tokens) {
    throw new Error(`refusing to listen on ${config.listen} without --token-file: anyone on the network could drive the cluster (listen on 127.0.0.1, or give a token file)`);
  }
  protoRoot();

  const etcd = createEtcdClient(config.etcdServers);
  const wire = new EtcdWire(config.etcdServers);
  const store = new EtcdStore(etcd, { maxRequestBytes: config.etcdMaxRequestBytes }, wire);
  const keys = new KeyLayout(config.etcdPrefix);
  const caches = new Map<string, WatchCache>();
  const cacheSource = new EtcdSource(store, etcd, wire);
  for (const t of resourceTypes) {
    caches.set(t.resource, new WatchCache(t, keys.resourcePrefix(t), cacheSource, { capacity: config.watchCacheSize, bookmarkIntervalMs: config.bookmarkIntervalMs, log }));
  }
  const clusterIPs = clusterIPAllocator(config.serviceClusterIPRange);
  const nodePorts = nodePortAllocator(config.serviceNodePortRange);
  await loadAllocations(store, keys, clusterIPs, nodePorts, log);
  await Promise.all([...caches.values()].map((c) => c.start()));
  const registry = new Registry({ store, keys, caches, clusterIPs, nodePorts, eventLeases: new EventLeases(etcd, config.eventTTLSeconds), config, log, ...hooks });
  await ensureBootstrapObjects(registry, log);

  const metricsRegistry = createMetrics();
  const metrics = apiserverMetrics(metricsRegistry);
  const auth = tokens ? tokenAuthentication(tokens, log) : loopbackAuthentication();
  const server = new grpc.Server({
    // Without a token file (loopback) every caller is trusted: no interceptor, no per-call cost.
    ...(auth.interceptor ? { interceptors: [auth.interceptor] } : {}),
    // channelz stays on: grpc-js (1.14) tracks the server's sessions for forceShutdown only when it
    // is, and a shutdown must close the connections of open watches.
    'grpc.max_receive_message_length': MAX_MESSAGE,
    'grpc.max_send_message_length': 64 * 1024 * 1024,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 5000,
  });
  const agents = new NodeAgents(config.nodeAgentToken);
  const definition = resourcesServiceDefinition();
  const unaryHandlers = resourceHandlers({ registry, log, metrics, auth });
  server.addService(definition, { ...unaryHandlers, ...streamHandlers({ registry, agents, log, metrics, auth }) });
  const health = new HealthImplementation({ '': 'SERVING', [RESOURCES_SERVICE]: 'SERVING' });
  health.addToServer(server);
  addReflection(server);
  const boundPort = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host.includes(':') ? `[${host}]` : host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = `${host}:${boundPort}`;
  // The hot unary methods straight on the HTTP/2 stream (grpc/lean-unary.ts).
  const lean = new Map<string, LeanMethod>();
  for (const name of LEAN_METHODS) {
    const handler = unaryHandlers[name];
    if (typeof handler !== 'function') throw new Error(`no unary handler ${name}`);
    lean.set(definition[name]!.path, { definition: definition[name]!, handler: handler as LeanMethod['handler'] });
  }
  let leanUnary = false;
  if (config.leanUnary) {
    try {
      leanUnary = installLeanUnary(server, lean, auth.authenticate);
    } catch (e) {
      // a grpc-js whose internals differ: slower, never wrong
      log.warn('the lean unary path is off: every call goes through grpc-js', { err: (e as Error).message });
    }
  }

  let httpAddress = '';
  let httpClose: (() => Promise<void>) | undefined;
  if (config.httpListen) {
    const h = splitHostPort(config.httpListen);
    const hs = await startHealthServer({
      host: h.host,
      port: h.port,
      registry: metricsRegistry,
      checks: {
        etcd: async () => {
          await store.get(`${config.etcdPrefix}/health`);
        },
        'watch-caches': () => [...caches.values()].every((c) => c.isReady),
      },
      log,
    });
    httpAddress = hs.url;
    httpClose = () => hs.close();
  }
  const compaction = new AbortController();
  const compacting =
    config.etcdCompactionIntervalMs > 0
      ? new Compactor({ etcd, key: keys.compactRevKey(), intervalMs: config.etcdCompactionIntervalMs, log, metrics: metricsRegistry }).run(compaction.signal)
      : Promise.resolve();
  log.info('serving', { address, httpAddress, etcd: config.etcdServers.join(','), auth: tokens ? 'token' : 'loopback', leanUnary });

  // default/kubernetes: the apiserver's own Service and Endpoints.
  const kubernetesService = { clusterIP: firstServiceIP(config.serviceClusterIPRange), port: boundPort, address: config.advertiseAddress || advertisedAddress(host) };
  await reconcileKubernetesService(registry, kubernetesService).catch((e: unknown) => log.warn('reconciling the kubernetes service failed', { err: String(e) }));
  const reconciler = runKubernetesServiceReconciler(registry, kubernetesService, log, signal);

  const stopped = new Promise<void>((resolve) => {
    const stop = async (): Promise<void> => {
      log.info('stopping');
      health.setStatus('', 'NOT_SERVING');
      await reconciler;
      compaction.abort();
      await Promise.all([...caches.values()].map((c) => c.stop()));
      await new Promise<void>((r) => {
        const t = setTimeout(() => {
          server.forceShutdown();
          r();
        }, 2000);
        server.tryShutdown(() => {
          clearTimeout(t);
          r();
        });
      });
      await httpClose?.().catch(() => {});
      agents.close();
      etcd.close();
      wire.close();
      // After the close, which ends a compaction call that etcd left hanging.
      await compacting;
      resolve();
    };
    if (signal.aborted) void stop();
    else signal.addEventListener('abort', () => void stop(), { once: true });
  });
  return { address, httpAddress, registry, stopped };
}

export function splitHostPort(s: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(s);
  if (!m) throw new Error(`invalid address ${s} (want host:port)`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

const ETCD_WAIT_MS = 30_000;

async function loadAllocations(
  store: EtcdStore,
  keys: KeyLayout,
  ips: ReturnType<typeof clusterIPAllocator>,
  ports: ReturnType<typeof nodePortAllocator>,
  log: Logger,
): Promise<void> {
  // etcd may still be starting (a cluster coming up): try again every 100 ms for up to 30 s, so the
  // apiserver serves within one interval of etcd answering
  const deadline = Date.now() + ETCD_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      for (const kv of (await store.range(keys.clusterIPPrefix())).kvs) ips.markTaken(kv.key.slice(keys.clusterIPPrefix().length));
      for (const kv of (await store.range(keys.nodePortPrefix())).kvs) ports.markTaken(Number(kv.key.slice(keys.nodePortPrefix().length)));
      return;
    } catch (e) {
      if (Date.now() >= deadline) throw e;
      if (attempt % 10 === 0) log.warn('waiting for etcd', { err: String(e) });
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** What the apiserver creates at start when missing: the default namespaces and the built-in PriorityClasses. */
function bootstrapObjects(): KObject[] {
  const namespaces = ['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) as KObject);
  return [...namespaces, ...SYSTEM_PRIORITY_CLASSES];
}

async function ensureBootstrapObjects(registry: Registry, log: Logger): Promise<void> {
  for (const obj of bootstrapObjects()) {
    const name = obj.metadata.name!;
    if (registry.cache(resourceByKind(obj.kind)!).get(name)) continue;
    try {
      await registry.create(APISERVER_CONTEXT, structuredClone(obj));
      log.info('created', { kind: obj.kind, name });
    } catch (e) {
      if ((e as { code?: string }).code !== 'ALREADY_EXISTS') throw e;
    }
  }
}
