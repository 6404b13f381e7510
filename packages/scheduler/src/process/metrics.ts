// The scheduler's Prometheus metrics (names and labels as kube-scheduler's): attempts by result,
// the attempt's latency (pop to bind or failure), the pod's latency (first queued to bound), pending
// pods per queue (read from the queue at scrape time), preemption victims.
import { Gauge, type Registry } from 'prom-client';
import { counter, histogram } from '@skiff/machinery';
import type { PendingCounts } from '../queue/scheduling-queue.js';
import type { AttemptInfo } from '../scheduler.js';

export type AttemptResult = 'scheduled' | 'unschedulable' | 'error';

const latencyBuckets = [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384];

export class SchedulerMetrics {
  private readonly attempts;
  private readonly e2e;
  private readonly podLatency;
  private readonly victims;
  private readonly preemptionAttempts;
  private readonly now: () => number;
  private readonly bound = new Map<string, { attempts: { inc(): void }; e2e: { observe(v: number): void } }>();

  constructor(registry: Registry, pending: () => PendingCounts, now: () => number) {
    this.now = now;
    this.attempts = counter(registry, 'scheduler_schedule_attempts_total', 'Scheduling attempts by result (scheduled, unschedulable, error) and profile.', ['result', 'profile']);
    this.e2e = histogram(registry, 'scheduler_e2e_scheduling_duration_seconds', 'One scheduling attempt, from the queue pop to the bind or the failure, in seconds.', ['result', 'profile'], latencyBuckets);
    this.podLatency = histogram(registry, 'scheduler_pod_scheduling_duration_seconds', 'From the pod first entering the queue to its bind, in seconds, by attempts.', ['attempts'], latencyBuckets);
    this.victims = histogram(registry, 'scheduler_preemption_victims', 'Pods evicted per preemption.', [], [1, 2, 4, 8, 16, 32, 64]);
    this.preemptionAttempts = counter(registry, 'scheduler_preemption_attempts_total', 'Preemptions that chose victims.', []);
    new Gauge({
      name: 'scheduler_pending_pods',
      help: 'Pending pods by queue (active, backoff, unschedulable).',
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        const p = pending();
        this.set({ queue: 'active' }, p.active);
        this.set({ queue: 'backoff' }, p.backoff);
        this.set({ queue: 'unschedulable' }, p.unschedulable);
      },
    });
  }

  attempt(result: AttemptResult, a: AttemptInfo): void {
    const c = this.children(result, a.profile);
    const now = this.now();
    c.attempts.inc();
    c.e2e.observe((now - a.startMs) / 1000);
    if (result === 'scheduled') this.podLatency.labels({ attempts: String(Math.min(a.attempts, 15)) }).observe((now - a.initialAttemptMs) / 1000);
  }

  /** The children of one result and profile, bound once (prom-client hashes a label set on every call otherwise). */
  private children(result: AttemptResult, profile: string): { attempts: { inc(): void }; e2e: { observe(v: number): void } } {
    const k = `${result}\u0000${profile}`;
    let c = this.bound.get(k);
    if (!c) {
      c = { attempts: this.attempts.labels({ result, profile }), e2e: this.e2e.labels({ result, profile }) };
      this.bound.set(k, c);
    }
    return c;
  }

  preemption(victims: number): void {
    this.preemptionAttempts.inc();
    this.victims.observe(victims);
  }
}
