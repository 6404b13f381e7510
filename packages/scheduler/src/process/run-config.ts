// The process's configuration: what main builds from its flags, and what tests pass to run().
import type { SchedulerConfig } from '../config/resolve.js';

export interface SchedulerRunConfig {
  /** host:port of the apiserver. */
  server: string;
  token?: string;
  /** Profiles, plugins, backoff: from --config (loadConfig); default Kubernetes' defaults. */
  scheduling?: SchedulerConfig;
  /** Only the holder of the Lease schedules. */
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** This candidate's name in the Lease; default hostname + a random suffix. */
  identity?: string;
  /** /metrics, /healthz, /readyz; 0 picks a free port; undefined: no server. */
  healthPort?: number;
  healthHost: string;
  /** Client-side rate limit towards the apiserver (kube-scheduler's: 50 qps, burst 100). */
  qps: number;
  burst: number;
}

/** kube-scheduler's defaults: Lease kube-system/kube-scheduler (here skiff-scheduler), 15 s / 10 s / 2 s. */
export const defaultRunConfig: SchedulerRunConfig = {
  server: '127.0.0.1:6443',
  leaderElect: true,
  leaseNamespace: 'kube-system',
  leaseName: 'skiff-scheduler',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  healthPort: 10251,
  healthHost: '127.0.0.1',
  qps: 50,
  burst: 100,
};
