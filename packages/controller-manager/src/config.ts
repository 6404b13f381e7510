// skiff-controller-manager's configuration and defaults (kube-controller-manager's where it has one).
export interface ControllerManagerConfig {
  /** host:port of the apiserver. */
  server: string;
  token?: string;
  /** /metrics, /healthz, /readyz address ("" disables). kube-controller-manager serves 10257. */
  httpListen: string;
  /** The --controllers flag: "*", names, "-name". */
  controllers: string[];
  /** Concurrent reconciles per controller (kube-controller-manager's --concurrent-*-syncs: 5). */
  workers: number;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Unique per instance; default hostname_uuid. */
  identity?: string;
  /** Client rate limit. */
  qps: number;
  burst: number;
}

export const defaultConfig: ControllerManagerConfig = {
  server: '127.0.0.1:6443',
  httpListen: '127.0.0.1:10257',
  controllers: ['*'],
  workers: 5,
  leaderElect: true,
  leaseNamespace: 'kube-system',
  leaseName: 'skiff-controller-manager',
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  qps: 50,
  burst: 100,
};
