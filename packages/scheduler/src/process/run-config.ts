// The process's configuration: what main builds from its flags, and what tests pass to run().
import { type LeaderElectionOptions, defaultLeaderElection } from '@skiff/machinery';
import type { SchedulerConfig } from '../config/resolve.js';

/** Only the holder of the Lease schedules (leaderElect). */
export interface SchedulerRunConfig extends LeaderElectionOptions {
  /** host:port of the apiserver. */
  server: string;
  token?: string;
  /** Profiles, plugins, backoff: from --config (loadConfig); default Kubernetes' defaults. */
  scheduling?: SchedulerConfig;
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
  ...defaultLeaderElection('skiff-scheduler'),
  healthPort: 10251,
  healthHost: '127.0.0.1',
  qps: 50,
  burst: 100,
};
