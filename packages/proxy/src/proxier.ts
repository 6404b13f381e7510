// The proxier: informer handlers record Service and Endpoints changes in the trackers and ask the
// runner for a sync; each sync applies the pending changes and writes them through the syncer, a
// partial sync with the changed services, or a full one once FULL_SYNC_PERIOD_MS has passed (or
// after a failure, or when the canary chain is gone). The runner syncs at least every sync period
// (a partial sync: nothing to write when nothing changed). The canary is looked for by a monitor of
// its own, as kube-proxy's (iptables Monitor, a goroutine apart from the sync runner): its own timer,
// once per sync period, never inside a sync; when the canary is gone it forces a full sync (kube-
// proxy's forceSyncProxyRules). Nothing is written until Services and
// Endpoints have both synced once. A failed sync is retried (as a full sync) after the minimum
// sync period. Each Endpoints change carries its trigger time (the endpoints controller's
// `endpoints.kubernetes.io/last-change-trigger-time` annotation, else when the proxy received it),
// handed to `onSync` once the change is in the kernel: the network programming latency.
import type { Endpoints, Service } from '@skiff/api';
import type { Clock, TimerHandle } from '@skiff/machinery';
import { IptablesSyncer } from './iptables/syncer.js';
import type { Iptables } from './iptables/iptables.js';
import type { PlannerConfig, SyncPlan } from './iptables/rules-planner.js';
import { healthCheckServices, type HealthCheckService } from './process/service-health.js';
import { BoundedFrequencyRunner, type RunStart } from './runner/bounded-frequency-runner.js';
import { EndpointsChangeTracker, ServiceChangeTracker, type EndpointsMap, type ServicePortMap } from './tracker/change-tracker.js';
import { serviceKey } from './tracker/service-port.js';

/** The annotation in which the endpoints controller records when the change that caused it happened. */
export const LAST_CHANGE_TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

/** When the change behind this Endpoints object happened: its annotation, else `receivedAt`. */
export function endpointsTriggerTime(ep: Endpoints | undefined, receivedAt: number): number {
  const raw = ep?.metadata?.annotations?.[LAST_CHANGE_TRIGGER_TIME_ANNOTATION];
  const t = raw === undefined ? Number.NaN : Date.parse(raw);
  return Number.isFinite(t) ? t : receivedAt;
}

/**
 * The periodic full resync: once an hour, as kube-proxy's (its FullSyncPeriod). A full sync at
 * 10,000 services takes seconds on the legacy backend and half a minute on nf_tables, and a change
 * that comes during one waits for it; the sync period only bounds the time between partial syncs
 * and canary checks.
 */
export const FULL_SYNC_PERIOD_MS = 3_600_000;

export interface SyncResult {
  plan?: SyncPlan;
  error?: unknown;
  durationMs: number;
  /** Successful syncs: the trigger times of the Endpoints changes this sync put in the kernel. */
  triggerTimes?: number[];
  /** When the proxy received each of those changes (same order): the rest of their latency was delivery. */
  receivedTimes?: number[];
}

/** An Endpoints change's trigger time and when the proxy received it. */
interface ChangeTimes {
  trigger: number;
  received: number;
}

export interface ProxierConfig extends PlannerConfig {
  nodeName: string;
  iptables: Iptables;
  clock: Clock;
  /** Least time between syncs (default 1 s). */
  minSyncPeriodMs?: number;
  /** Most time between syncs and between canary checks (default 30 s). */
  syncPeriodMs?: number;
  /** Told of each sync's outcome (metrics, logs). */
  onSync?: (result: SyncResult) => void;
  /** --nodeport-addresses: the local addresses that accept node ports, asked at each sync; unset or undefined: all. */
  nodePortIPs?: () => readonly string[] | undefined;
}

export class Proxier {
  private readonly services: ServicePortMap = new Map();
  private readonly endpoints: EndpointsMap = new Map();
  private readonly serviceChanges = new ServiceChangeTracker();
  private readonly endpointsChanges: EndpointsChangeTracker;
  private readonly syncer: IptablesSyncer;
  private readonly runner: BoundedFrequencyRunner;
  private servicesSynced = false;
  private endpointsSynced = false;
  private lastFullSync = Number.NEGATIVE_INFINITY;
  /** The canary monitor asked for a full sync (kube-proxy's needFullSync set by forceSyncProxyRules). */
  private needFullSync = false;
  /** A sync has programmed the rules (and the canary) once: only then can the canary be missed. */
  private programmed = false;
  /** Services changed since the last successful sync (kept across failed syncs). */
  private changed = new Set<string>();
  /** The pending Endpoints changes' trigger times and when the proxy received them, per service ("ns/name"). */
  private readonly pendingTimes = new Map<string, ChangeTimes[]>();
  /** Those of the changes applied but not yet written successfully. */
  private applyingTimes: ChangeTimes[] = [];

  constructor(private readonly cfg: ProxierConfig) {
    this.endpointsChanges = new EndpointsChangeTracker(cfg.nodeName);
    this.syncer = new IptablesSyncer(cfg.iptables, cfg);
    this.runner = new BoundedFrequencyRunner(() => this.syncProxyRules(), {
      clock: cfg.clock,
      minIntervalMs: cfg.minSyncPeriodMs ?? 1000,
      maxIntervalMs: cfg.syncPeriodMs ?? 30000,
    });
  }

  start(signal: AbortSignal): void {
    this.runner.start(signal);
    this.startCanaryMonitor(signal);
  }

  /**
   * The canary monitor: every sync period, on its own timer (not in the runner, so no change ever
   * waits behind its process start or, on legacy, the xtables lock it takes), one checkCanary().
   * The next check is scheduled when this one has finished.
   */
  private startCanaryMonitor(signal: AbortSignal): void {
    if (signal.aborted) return;
    const period = this.cfg.syncPeriodMs ?? 30000;
    let timer: TimerHandle | undefined;
    const next = (): void => {
      timer = this.cfg.clock.setTimeout(() => {
        timer = undefined;
        void this.checkCanary()
          .catch(() => false)
          .then(() => {
            if (!signal.aborted) next();
          });
      }, period);
    };
    signal.addEventListener('abort', () => {
      if (timer !== undefined) this.cfg.clock.clearTimeout(timer);
      timer = undefined;
    }, { once: true });
    next();
  }

  /**
   * One look for the canary chain (the monitor's; tests may call it): once the rules were programmed,
   * a missing canary (someone flushed or deleted our tables) forces a full sync. True when it did.
   */
  async checkCanary(): Promise<boolean> {
    if (!this.programmed || this.needFullSync) return false;
    if (!(await this.syncer.canaryMissing())) return false;
    this.needFullSync = true;
    this.runner.run();
    return true;
  }

  /** Records a Service change; true when a sync is now asked for (kube-proxy's QueuedUpdate). */
  onServiceUpdate(previous: Service | undefined, current: Service | undefined): boolean {
    const queued = this.serviceChanges.update(previous, current) && this.servicesSynced;
    if (queued) this.runner.run();
    return queued;
  }

  /** Records an Endpoints change; true when a sync is now asked for. */
  onEndpointsUpdate(previous: Endpoints | undefined, current: Endpoints | undefined): boolean {
    const obj = current ?? previous;
    const key = serviceKey(obj?.metadata?.namespace, obj?.metadata?.name);
    const pending = this.endpointsChanges.update(previous, current);
    const now = this.cfg.clock.now();
    if (!pending) {
      this.pendingTimes.delete(key);
    } else {
      this.pendingTimes.set(key, [...(this.pendingTimes.get(key) ?? []), { trigger: endpointsTriggerTime(current, now), received: now }]);
    }
    const queued = pending && this.endpointsSynced;
    if (queued) this.runner.run();
    return queued;
  }

  /** The Service informer has listed everything once. */
  setServicesSynced(): void {
    this.servicesSynced = true;
    this.runner.run();
  }

  /** The Endpoints informer has listed everything once. */
  setEndpointsSynced(): void {
    this.endpointsSynced = true;
    this.runner.run();
  }

  /** Changes waiting for a sync (services with Service or Endpoints changes). */
  pendingChanges(): number {
    return this.serviceChanges.pending() + this.endpointsChanges.pending();
  }

  /** Services with a health check node port and their local ready endpoints, as of the last sync. */
  healthCheckServices(): Map<string, HealthCheckService> {
    return healthCheckServices(this.services, this.endpoints);
  }

  /** How the current (or last) sync run came about: when it was asked for, due and started. */
  lastRunStart(): RunStart | undefined {
    return this.runner.lastRun();
  }

  /** Resolves when no sync is in progress. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  /**
   * One sync (the runner calls it; tests may too). False when it wrote nothing (before the informers
   * synced, or a periodic sync with nothing changed): such a sync does not hold the next change back
   * for the minimum sync period, which bounds how often rules are restored.
   */
  async syncProxyRules(): Promise<boolean> {
    if (!this.servicesSynced || !this.endpointsSynced) return false;
    const start = this.cfg.clock.now();
    for (const s of this.serviceChanges.apply(this.services)) this.changed.add(s);
    for (const s of this.endpointsChanges.apply(this.endpoints)) this.changed.add(s);
    for (const times of this.pendingTimes.values()) this.applyingTimes.push(...times);
    this.pendingTimes.clear();
    const full = this.needFullSync || start - this.lastFullSync >= FULL_SYNC_PERIOD_MS;
    this.needFullSync = false;
    try {
      const nodePortIPs = this.cfg.nodePortIPs?.();
      const plan = await this.syncer.sync({
        services: this.services,
        endpoints: this.endpoints,
        ...(full ? {} : { changed: this.changed }),
        ...(nodePortIPs ? { nodePortIPs } : {}),
      });
      this.programmed = true;
      this.changed = new Set();
      const triggerTimes = this.applyingTimes.map((t) => t.trigger);
      const receivedTimes = this.applyingTimes.map((t) => t.received);
      this.applyingTimes = [];
      const durationMs = this.cfg.clock.now() - start;
      if (plan.full) this.lastFullSync = start;
      this.cfg.onSync?.({ plan, durationMs, triggerTimes, receivedTimes });
      return plan.restores > 0;
    } catch (error) {
      this.cfg.onSync?.({ error, durationMs: this.cfg.clock.now() - start });
      this.runner.retryAfter(this.cfg.minSyncPeriodMs ?? 1000);
      return true;
    }
  }
}
