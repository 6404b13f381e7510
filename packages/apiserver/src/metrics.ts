// The apiserver's Prometheus metrics.
import { counter, gauge, histogram, type Registry } from '@skiff/machinery';
import type { Counter, Gauge, Histogram } from 'prom-client';

export interface Metrics {
  requests: Counter<'method' | 'code'>;
  latency: Histogram<'method'>;
  watchers: Gauge<string>;
}

export function apiserverMetrics(registry: Registry): Metrics {
  return {
    requests: counter(registry, 'skiff_apiserver_requests_total', 'gRPC requests by method and status code', ['method', 'code']),
    latency: histogram(registry, 'skiff_apiserver_request_duration_seconds', 'gRPC request latency by method', ['method']),
    watchers: gauge(registry, 'skiff_apiserver_watchers', 'open watch streams', []),
  };
}
