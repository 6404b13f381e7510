// skiff-proxy: run(config, signal) wires the proxier to the apiserver.
//
//   Services, Endpoints informers (all namespaces) ──► Proxier handlers ──► trackers
//        │ both listed once: setServicesSynced / setEndpointsSynced (nothing is written before)
//   BoundedFrequencyRunner ──► syncProxyRules ──► iptables-restore --noflush
//        │ each outcome: ProxyMetrics (duration, rules, latency), SyncHealth (/healthz)
//   /healthz fails when a change waits longer than 2 × the sync period; /readyz once synced once.
//   With --cluster-dns-ip: the same informers feed a ZoneIndex; DnsServer (UDP + TCP) answers
//   cluster names from it and forwards the rest to the resolvers of the node's resolv.conf.
import { readFile } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Endpoints, Service } from '@skiff/api';
import {
  SharedInformerFactory,
  createClient,
  waitForApiserver,
  createMetrics,
  deletedObject,
  discardLogger,
  realClock,
  startHealthServer,
  waitForHandlersSynced,
  type HealthServer,
  type Logger,
  type Registry,
  type SharedInformer,
} from '@skiff/machinery';
import { ClusterZone } from './dns/cluster-zone.js';
import { ensureDnsAddress } from './dns/dns-address.js';
import { DnsServer } from './dns/dns-server.js';
import { Forwarder } from './dns/forwarder.js';
import { upstreamsFromResolvConf, type Upstream } from './dns/resolv-conf.js';
import { ZoneIndex } from './dns/zone-index.js';
import { detectBackend } from './iptables/backend.js';
import { ExecIptables, spawnCommand } from './iptables/exec-iptables.js';
import type { Backend, Iptables } from './iptables/iptables.js';
import { ProxyMetrics } from './process/metrics.js';
import { leanEndpoints, leanService, StringPool } from './process/lean-objects.js';
import { NodePortAddresses } from './process/node-port-addresses.js';
import type { ProxyRunConfig } from './process/run-config.js';
import { ServiceHealthServer } from './process/service-health.js';
import { SyncHealth } from './process/sync-health.js';
import { Proxier } from './proxier.js';

export interface RunningProxy {
  proxier: Proxier;
  backend: Backend;
  metrics: Registry;
  health: SyncHealth;
  /** Set when the health server runs. */
  healthServer?: HealthServer;
  /** Set when cluster DNS runs. */
  dns?: DnsServer;
  /** The health check node ports of externalTrafficPolicy Local services. */
  serviceHealth: ServiceHealthServer;
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
    if (!(await waitForHandlersSynced([reg], signal))) return;
    log.info('informer synced', { resource: informer.resource });
    synced();
  })();
}

/** The node's resolvers: the configured ones, else its resolv.conf's (none if unreadable). */
async function nodeUpstreams(config: ProxyRunConfig, log: Logger): Promise<Upstream[]> {
  if (config.upstreams) return config.upstreams;
  try {
    return upstreamsFromResolvConf(await readFile(config.resolvConf, 'utf8'), config.clusterDNSIP ? [config.clusterDNSIP] : []);
  } catch (e) {
    log.warn('cannot read the node resolvers; names outside the cluster get SERVFAIL', { resolvConf: config.resolvConf, err: e });
    return [];
  }
}

/** Cluster DNS: a zone fed by the Service and Endpoints informers, served on the cluster DNS address. */
async function startDns(config: ProxyRunConfig, factory: SharedInformerFactory, metrics: ProxyMetrics, log: Logger): Promise<DnsServer> {
  const ip = config.clusterDNSIP ?? '';
  const index = new ZoneIndex();
  const services = factory.informerFor<Service>('services').addEventHandler({
    onAdd: (s) => index.onServiceUpdate(undefined, s),
    onUpdate: (o, s) => index.onServiceUpdate(o, s),
    onDelete: (d) => index.onServiceUpdate(deletedObject(d), undefined),
  });
  const endpoints = factory.informerFor<Endpoints>('endpoints').addEventHandler({
    onAdd: (e) => index.onEndpointsUpdate(undefined, e),
    onUpdate: (o, e) => index.onEndpointsUpdate(o, e),
    onDelete: (d) => index.onEndpointsUpdate(deletedObject(d), undefined),
  });
  if (config.manageDNSAddress && (await ensureDnsAddress(config.runCommand ?? spawnCommand(), ip))) log.info('added the cluster DNS address to lo', { address: ip });
  const upstreams = await nodeUpstreams(config, log);
  const server = new DnsServer({
    address: ip,
    port: config.dnsPort,
    zone: new ClusterZone(index, config.clusterDomain),
    forwarder: new Forwarder(upstreams),
    ready: () => services.hasSynced() && endpoints.hasSynced(),
    onResult: (r) => metrics.dnsQuery(r),
    log,
  });
  await server.start();
  log.info('serving cluster DNS', { address: `${ip}:${server.port}`, domain: config.clusterDomain, upstreams: upstreams.map((u) => u.host) });
  return server;
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
  const nodePortAddresses = new NodePortAddresses(config.nodePortAddresses);
  const proxyHealthy = (): boolean => {
    try {
      health.check();
      return true;
    } catch {
      return false;
    }
  };
  const serviceHealth = new ServiceHealthServer({ proxyHealthy, log });
  // The event loop's delay between syncs (logged with each): a change that waited before its sync
  // while the loop was blocked shows here.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
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
    nodePortIPs: () => nodePortAddresses.localIPs(),
    onSync: (r) => {
      metrics.observe(r, clock.now());
      if (r.error !== undefined) {
        health.queuedUpdate();
        log.error('syncing proxy rules failed; retrying with a full sync', { err: r.error, durationMs: r.durationMs });
        return;
      }
      health.updated();
      serviceHealth.sync(proxier.healthCheckServices());
      const end = clock.now();
      // how this sync's run came about: from the first request to its start, of it held back by the
      // minimum sync period (until due) and late (the timer fired after due: a busy event loop)
      const rs = proxier.lastRunStart();
      const loopDelayMaxMs = Math.round(loopDelay.max / 1e6);
      loopDelay.reset();
      log.debug('synced proxy rules', {
        ...(rs?.askedAt !== undefined ? { askedMs: rs.firedAt - rs.askedAt, heldMs: Math.max(0, rs.due - rs.askedAt) } : { periodic: true }),
        ...(rs ? { lateMs: rs.firedAt - rs.due } : {}),
        loopDelayMaxMs,
        full: r.plan?.full,
        durationMs: r.durationMs,
        restores: r.plan?.restores,
        ...(r.plan?.full ? { timeline: r.plan.timeline } : {}),
        rulesWritten: r.plan?.rulesWritten,
        programmingMs: (r.triggerTimes ?? []).map((t) => Math.max(0, end - t)),
        // of it, since the proxy received the change (the rest: the apiserver's write and the watch)
        sinceReceivedMs: (r.receivedTimes ?? []).map((t) => Math.max(0, end - t)),
      });
      // the first sync's stages (iptables-save, planning, each restore's preparing and applying) and the proxy's CPU meanwhile
      if (!syncedOnce) log.info('proxy rules programmed', { full: r.plan?.full, rules: r.plan?.rulesTotal, durationMs: r.durationMs, timeline: r.plan?.timeline });
      syncedOnce = true;
    },
  });

  const factory = new SharedInformerFactory({ client, log, clock });
  // Only what the proxier, the health check servers and the DNS zone read is cached (10k services).
  const pool = new StringPool();
  factory.informerFor<Service>('services').setTransform((s) => leanService(s, pool));
  factory.informerFor<Endpoints>('endpoints').setTransform((e) => leanEndpoints(e, pool));
  const queued = (): void => health.queuedUpdate();
  const feeding = [
    feed(factory.informerFor<Service>('services'), (p, c) => proxier.onServiceUpdate(p, c), queued, () => proxier.setServicesSynced(), stop.signal, log),
    feed(factory.informerFor<Endpoints>('endpoints'), (p, c) => proxier.onEndpointsUpdate(p, c), queued, () => proxier.setEndpointsSynced(), stop.signal, log),
  ];
  // started alongside the apiserver: list as soon as it answers, not a back-off later
  await waitForApiserver(client, { signal: stop.signal, log });
  factory.start(stop.signal);
  proxier.start(stop.signal);

  let healthServer: HealthServer | undefined;
  let dns: DnsServer | undefined;
  try {
    if (config.clusterDNSIP) dns = await startDns(config, factory, metrics, log);
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
    await serviceHealth.close();
    await dns?.close();
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
    loopDelay.disable();
    await Promise.all(feeding);
    await proxier.idle();
    await serviceHealth.close();
    await dns?.close();
    await factory.stopped();
    await healthServer?.close();
    if (!config.client) client.close();
  })();
  return { proxier, backend: iptables.backend, metrics: registry, health, serviceHealth, ...(healthServer ? { healthServer } : {}), ...(dns ? { dns } : {}), stopped };
}
