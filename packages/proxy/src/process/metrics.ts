// The proxy's metrics, named after kube-proxy's (`kubeproxy_` becomes `skiff_proxy_`): sync
// duration, last sync time, rules written, pending changes, restore failures and the network
// programming latency (an Endpoints change to its rules in the kernel).
import { Counter, Gauge } from 'prom-client';
import { counter, gauge, histogram, type Registry } from '@skiff/machinery';
import type { DnsResult } from '../dns/dns-server.js';
import type { SyncResult } from '../proxier.js';

export class ProxyMetrics {
  private readonly syncDuration;
  private readonly lastSync;
  private readonly rules;
  private readonly failures;
  private readonly programming;
  /** DNS queries by result since the last scrape (added to the counter when scraped: cheaper per query). */
  private readonly dnsCounts = new Map<DnsResult, number>();

  constructor(registry: Registry, pendingChanges: () => number) {
    this.syncDuration = histogram(registry, 'skiff_proxy_sync_proxy_rules_duration_seconds', 'Duration of one sync of the proxy rules (full or partial).', ['sync'], [0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1.024, 2.048, 4.096, 8.192, 16.384, 32.768]);
    this.lastSync = gauge(registry, 'skiff_proxy_sync_proxy_rules_last_timestamp_seconds', 'When the proxy rules were last synced successfully (seconds since the epoch).', []);
    this.rules = gauge(registry, 'skiff_proxy_sync_proxy_rules_iptables_total', "Rules in the proxy's nat and filter chains after the last sync.", []);
    this.failures = counter(registry, 'skiff_proxy_sync_proxy_rules_iptables_restore_failures_total', 'Syncs whose iptables-restore failed.', []);
    this.programming = histogram(registry, 'skiff_proxy_network_programming_duration_seconds', 'From an Endpoints change (its last-change-trigger-time annotation, else its receipt) to its rules in the kernel.', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300]);
    const dnsCounts = this.dnsCounts;
    new Counter({
      name: 'skiff_proxy_dns_queries_total',
      help: 'Cluster DNS queries by result (success, nodata, nxdomain, forwarded, servfail, formerr).',
      labelNames: ['result'],
      registers: [registry],
      collect() {
        for (const [result, n] of dnsCounts) this.inc({ result }, n);
        dnsCounts.clear();
      },
    });
    new Gauge({
      name: 'skiff_proxy_sync_proxy_rules_changes_pending',
      help: 'Services with Service or Endpoints changes waiting for a sync.',
      registers: [registry],
      collect() {
        this.set(pendingChanges());
      },
    });
  }

  dnsQuery(result: DnsResult): void {
    this.dnsCounts.set(result, (this.dnsCounts.get(result) ?? 0) + 1);
  }

  /** Records one sync's outcome; `now` is when it ended (ms since the epoch). */
  observe(r: SyncResult, now: number): void {
    if (r.error !== undefined || !r.plan) {
      this.failures.inc();
      return;
    }
    this.syncDuration.observe({ sync: r.plan.full ? 'full' : 'partial' }, r.durationMs / 1000);
    this.lastSync.set(now / 1000);
    this.rules.set(r.plan.rulesTotal);
    for (const t of r.triggerTimes ?? []) this.programming.observe(Math.max(0, now - t) / 1000);
  }
}
