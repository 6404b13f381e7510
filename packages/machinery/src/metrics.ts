// Prometheus metrics: one Registry per process, passed to the parts that record metrics and to the
// observability server that serves it on /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Registry } from 'prom-client';

export interface MetricsOptions {
  /** Collect the process metrics (CPU, memory, event loop lag, ...). Default true. */
  defaultMetrics?: boolean;
  /** Labels added to every series (e.g. { component: 'scheduler' }). */
  labels?: Record<string, string>;
}

/** A fresh registry for this process, with default process metrics. */
export function createMetrics(opts: MetricsOptions = {}): Registry {
  const registry = new Registry();
  if (opts.labels) registry.setDefaultLabels(opts.labels);
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Get-or-create helpers: several parts of a process (one per workqueue, controller, ...) share a
 * metric by name and tell their series apart by labels.
 */
export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<L>;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[] = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 60],
): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Histogram<L>;
  return new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}
