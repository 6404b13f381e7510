// Leader election on a Lease, as client-go's tools/leaderelection:
//
// - A candidate acquires the lease when it is absent (create), released (empty holder) or expired:
//   the holder has not changed the record for leaseDuration, measured on this candidate's own
//   clock from when it last saw the record change (clocks of different machines are not compared).
// - Writes carry the lease's resourceVersion: a conflict (ABORTED) means another candidate won.
// - The leader renews every retryPeriod; if it cannot renew within renewDeadline it stops leading:
//   the signal given to onStartedLeading aborts, then onStoppedLeading runs. The process should
//   stop its leader-only work (or exit) at once: another candidate may take over after
//   leaseDuration.
// - With releaseOnCancel, stopping on the run signal clears the holder (leaseDurationSeconds 1) so
//   that another candidate takes over without waiting for expiry.
import { isApiError } from '@skiff/api';
import { type Clock, realClock, sleep } from '../clock.js';
import type { Client } from '../client/types.js';
import { type Logger, discardLogger } from '../log.js';
import type { Lease, LeaseSpec } from '@skiff/api';
import { formatMicroTime, newLease } from './lease.js';

export interface LeaderCallbacks {
  /** Leader-only work; `signal` aborts when leadership is lost or the elector stops. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called once after leading ended (not called if this candidate never led). */
  onStoppedLeading(): void;
  /** The observed leader changed (including to this candidate). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionConfig {
  client: Client;
  /** The Lease's namespace and name, e.g. "kube-system" / "skiff-scheduler". */
  namespace: string;
  name: string;
  /** Unique per candidate, e.g. hostname + random suffix. */
  identity: string;
  /** Default 15 s. */
  leaseDurationMs?: number;
  /** Default 10 s; must be below leaseDuration. */
  renewDeadlineMs?: number;
  /** Default 2 s; retries are jittered by up to 1.2x. */
  retryPeriodMs?: number;
  releaseOnCancel?: boolean;
  callbacks: LeaderCallbacks;
  clock?: Clock;
  log?: Logger;
  random?: () => number;
}

const jitterFactor = 1.2;

export class LeaderElector {
  private readonly cfg: Required<Omit<LeaderElectionConfig, 'clock' | 'log' | 'random'>>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly random: () => number;
  private observed: Lease | undefined;
  private observedRaw = '';
  private observedTime = 0;
  private leading = false;

  constructor(config: LeaderElectionConfig) {
    this.cfg = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnCancel: false,
      ...config,
    };
    const { leaseDurationMs, renewDeadlineMs, retryPeriodMs, identity } = this.cfg;
    if (!identity) throw new Error('leader election: identity must not be empty');
    if (leaseDurationMs <= renewDeadlineMs) throw new Error('leader election: leaseDuration must be greater than renewDeadline');
    if (renewDeadlineMs <= jitterFactor * retryPeriodMs) throw new Error('leader election: renewDeadline must be greater than 1.2 * retryPeriod');
    this.clock = config.clock ?? realClock;
    this.random = config.random ?? Math.random;
    this.log = (config.log ?? discardLogger()).child({ lease: `${config.namespace}/${config.name}`, identity });
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder in the last record seen ("" if none). */
  getLeader(): string {
    return this.observed?.spec?.holderIdentity ?? '';
  }

  /**
   * Campaigns until leading, leads until leadership is lost or `signal` aborts, then returns (after
   * the leader work's promise settles and the lease is released when configured). Never rejects.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const lead = new AbortController();
    this.leading = true;
    this.log.info('became leader');
    const work = Promise.resolve()
      .then(() => this.cfg.callbacks.onStartedLeading(lead.signal))
      .catch((e: unknown) => this.log.error('leader work failed', { err: e }));
    try {
      await this.renewLoop(signal);
    } finally {
      this.leading = false;
      lead.abort();
      await work;
      if (signal.aborted && this.cfg.releaseOnCancel) await this.release();
      this.log.info('stopped leading');
      try {
        this.cfg.callbacks.onStoppedLeading();
      } catch (e) {
        this.log.error('onStoppedLeading failed', { err: e });
      }
    }
  }

  private async acquire(signal: AbortSignal): Promise<boolean> {
    this.log.info('attempting to acquire leader lease');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      const wait = this.cfg.retryPeriodMs * (1 + jitterFactor * this.random());
      if (!(await sleep(this.clock, wait, signal))) break;
    }
    return false;
  }

  /** Returns when a renewal round fails for renewDeadline, or on abort. */
  private async renewLoop(signal: AbortSignal): Promise<void> {
    const { retryPeriodMs, renewDeadlineMs } = this.cfg;
    while (await sleep(this.clock, retryPeriodMs, signal)) {
      const deadline = this.clock.now() + renewDeadlineMs;
      let renewed = false;
      while (!signal.aborted && this.clock.now() < deadline) {
        renewed = await this.attemptBefore(deadline, signal);
        if (renewed) break;
        const wait = Math.min(retryPeriodMs, deadline - this.clock.now());
        if (wait <= 0 || !(await sleep(this.clock, wait, signal))) break;
      }
      if (signal.aborted) return;
      if (!renewed) {
        this.log.warn('failed to renew lease within the renew deadline', { renewDeadlineMs });
        return;
      }
    }
  }

  /** One tryAcquireOrRenew, counted as failed if it has not finished by `deadline`. */
  private async attemptBefore(deadline: number, signal: AbortSignal): Promise<boolean> {
    const timeout = new AbortController();
    const onAbort = (): void => timeout.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const timedOut = sleep(this.clock, deadline - this.clock.now(), timeout.signal).then(() => false);
      return await Promise.race([this.tryAcquireOrRenew(), timedOut]);
    } finally {
      timeout.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** One round of client-go's tryAcquireOrRenew; never rejects. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, namespace, name, identity, leaseDurationMs } = this.cfg;
    const now = this.clock.now();
    const desired: LeaseSpec = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(leaseDurationMs / 1000)) /* whole seconds in the API; never 0 */,
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: 0,
    };
    let current: Lease;
    try {
      current = await client.get<Lease>('leases', namespace, name);
    } catch (e) {
      if (!isApiError(e, 'NOT_FOUND')) {
        this.log.warn('error retrieving lease', { err: e });
        return false;
      }
      try {
        this.observe(await client.create(newLease(namespace, name, desired)), this.clock.now());
        return true;
      } catch (err) {
        this.log.info('failed to create lease', { err });
        return false;
      }
    }
    const spec = current.spec ?? {};
    this.observe(current, now);
    const holder = spec.holderIdentity ?? '';
    const validUntil = this.observedTime + (spec.leaseDurationSeconds ?? 0) * 1000;
    if (holder && holder !== identity && validUntil > now) return false;
    if (holder === identity) {
      desired.acquireTime = spec.acquireTime ?? desired.acquireTime;
      desired.leaseTransitions = spec.leaseTransitions ?? 0;
    } else {
      desired.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    }
    try {
      const updated = await client.update<Lease>({ ...current, spec: desired });
      this.observe(updated, this.clock.now());
      return true;
    } catch (e) {
      if (isApiError(e, 'ABORTED')) this.log.info('lost the race to update the lease');
      else this.log.warn('failed to update lease', { err: e });
      return false;
    }
  }

  /** Remembers the record; `time` becomes the observed time only if the record changed. */
  private observe(lease: Lease, time: number): void {
    const prevHolder = this.getLeader();
    const raw = JSON.stringify(lease.spec ?? {});
    this.observed = lease;
    if (raw === this.observedRaw) return;
    this.observedRaw = raw;
    this.observedTime = time;
    const holder = this.getLeader();
    if (holder && holder !== prevHolder) {
      this.log.info('new leader observed', { leader: holder });
      try {
        this.cfg.callbacks.onNewLeader?.(holder);
      } catch (e) {
        this.log.error('onNewLeader failed', { err: e });
      }
    }
  }

  /** Gives the lease up (empty holder, 1 s duration) if this candidate still holds it. */
  private async release(): Promise<void> {
    const lease = this.observed;
    if (!lease || lease.spec?.holderIdentity !== this.cfg.identity) return;
    const now = formatMicroTime(this.clock.now());
    const spec: LeaseSpec = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: now,
      renewTime: now,
      leaseTransitions: lease.spec.leaseTransitions ?? 0,
    };
    try {
      this.observe(await this.cfg.client.update<Lease>({ ...lease, spec }), this.clock.now());
      this.log.info('released leader lease');
    } catch (e) {
      this.log.warn('failed to release lease', { err: e });
    }
  }
}

/** Runs a LeaderElector until `signal` aborts or leadership is lost. */
export function runLeaderElection(config: LeaderElectionConfig, signal: AbortSignal): Promise<void> {
  return new LeaderElector(config).run(signal);
}
