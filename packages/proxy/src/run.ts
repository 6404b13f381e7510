// skiff-proxy: run(config, signal) wires the proxier to the apiserver.
//
//   Services, Endpoints informers (all namespaces) ──► Proxier handlers ──► trackers
//        │ both listed once: setServicesSynced / setEndpointsSynced (nothing is written before)
//   BoundedFrequencyRunner ──► syncProxyRules ──► iptables-restore --noflush
//        │ each outcome: ProxyMetrics (duration, rules, latency), SyncHealth (/healthz)
//   /healthz fails when a change waits longer than 2 × the sync period; /readyz once synced once.
import type { Endpoints, Service } from '@skiff/api';
import {
  SharedInformerFactory,
  createClient,
  createMetrics,
  deletedObject,
  discardLogger,
  realClock,
  startHealthServer,
  type HealthServer,
  type Logger,
  type Registry,
  type SharedInformer,
} from '@skiff/machinery';
import { detectBackend } from './iptables/backend.js';
import { ExecIptables, spawnCommand } from './iptables/exec-iptables.js';
import type { Backend, Iptables } from './iptables/iptables.js';
import { ProxyMetrics } from './process/metrics.js';
import type { ProxyRunConfig } from './process/run-config.js';
import { SyncHealth } from './process/sync-health.js';
import { Proxier } from './proxier.js';

export interface RunningProxy {
  proxier: Proxier;
  backend: Backend;
  metrics: Registry;
  health: SyncHealth;
  /** Set when the health server runs. */
  healthServer?: HealthServer;
  /** Settles once everything stopped after the signal aborted (the rules stay, as kube-proxy's). */
  stopped: Promise<void>;
}

/** The iptables of the node: the configured one, or the backend the flag names or detection finds. */
export async function nodeIptables(config: Pick<ProxyRunConfig, 'iptables' | 'iptablesBackend'>): Promise<Iptables> {
  if (config.iptables) return config.iptables;
  const run = spawnCommand();
  return new ExecIptables(config.iptablesBackend === 'auto' ? await detectBackend(run) : config.iptablesBackend, run);
}

/** Feeds one informer to the proxier; `synced` once the handler has its initial contents. */
function feed<T extends Service | Endpoints>(
  informer: SharedInformer<T>,
  update: (previous: T | undefined, current: T | undefined) => boolean,
  queued: () => void,
  synced: () => void,
  signal: AbortSignal,
  log: Logger,
): Promise<void> {
  const on = (previous: T | undefined, current: T | undefined): void => {
    if (update(previous, current)) queued();
  };
  const reg = informer.addEventHandler({
    onAdd: (o) => on(undefined, o),
    onUpdate: (o, n) => on(o, n),
    onDelete: (d) => on(deletedObject(d), undefined),
  });
  return (async () => {
    if (!(await informer.waitForSync(signal))) return;
    await reg.idle();
    log.info('informer synced', { resource: informer.resource });
    synced();
  })();
}

export async function run(config: ProxyRunConfig, signal: AbortSignal, log: Logger = discardLogger()): Promise<RunningProxy> {
  const clock = config.clock ?? realClock;
  const iptables = await nodeIptables(config);
  log.info('using iptables backend', { backend: iptables.backend });
  const client =
    config.client ??
    createClient({ server: config.server, userAgent: 'skiff-proxy', rateLimit: { qps: config.qps, burst: config.burst }, ...(config.token ? { token: config.token } : {}) });
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  if (signal.aborted) stop.abort();
  else signal.addEventListener('abort', onAbort, { once: true });

  const registry = createMetrics({ labels: { component: 'proxy' } });
  const health = new SyncHealth(clock, 2 * config.syncPeriodMs);
  // Starting counts as waiting: a proxy that never gets to its first sync turns unhealthy.
  health.queuedUpdate();
  let syncedOnce = false;
  // Read at scrape time, once `proxier` exists.
  const metrics: ProxyMetrics = new ProxyMetrics(registry, () => proxier.pendingChanges());
  const proxier: Proxier = new Proxier({
    nodeName: config.nodeName,
    iptables,
    clock,
    ...(config.clusterCIDR ? { clusterCIDR: config.clusterCIDR } : {}),
    masqueradeAll: config.masqueradeAll,
    minSyncPeriodMs: config.minSyncPeriodMs,
    syncPeriodMs: config.syncPeriodMs,
    onSync: (r) => {
      metrics.observe(r, clock.now());
      if (r.error !== undefined) {
        health.queuedUpdate();
        log.error('syncing proxy rules failed; retrying with a full sync', { err: r.error, durationMs: r.durationMs });
        return;
      }
      health.updated();
      if (!syncedOnce) log.info('proxy rules programmed', { full: r.plan?.full, rules: r.plan?.rulesTotal, durationMs: r.durationMs });
      syncedOnce = true;
    },
  });

  const factory = new SharedInformerFactory({ client, log, clock });
  const queued = (): void => health.queuedUpdate();
  const feeding = [
    feed(factory.informerFor<Service>('services'), (p, c) => proxier.onServiceUpdate(p, c), queued, () => proxier.setServicesSynced(), stop.signal, log),
    feed(factory.informerFor<Endpoints>('endpoints'), (p, c) => proxier.onEndpointsUpdate(p, c), queued, () => proxier.setEndpointsSynced(), stop.signal, log),
  ];
  factory.start(stop.signal);
  proxier.start(stop.signal);

  let healthServer: HealthServer | undefined;
  try {
    if (config.healthPort >= 0) {
      healthServer = await startHealthServer({
        port: config.healthPort,
        host: config.healthHost,
        registry,
        livenessChecks: { 'proxy-rules': () => health.check() },
        checks: { 'proxy-rules-synced': () => syncedOnce },
        signal: stop.signal,
        log,
      });
    }
  } catch (err) {
    stop.abort();
    await factory.stopped();
    client.close();
    throw err;
  }

  const stopped = (async () => {
    await new Promise<void>((resolve) => {
      if (stop.signal.aborted) resolve();
      else stop.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    signal.removeEventListener('abort', onAbort);
    await Promise.all(feeding);
    await proxier.idle();
    await factory.stopped();
    await healthServer?.close();
    if (!config.client) client.close();
  })();
  return { proxier, backend: iptables.backend, metrics: registry, health, ...(healthServer ? { healthServer } : {}), stopped };
}
