// skiff-controller-manager's configuration and defaults (kube-controller-manager's where it has one).
import { type LeaderElectionOptions, defaultLeaderElection } from '@skiff/machinery';

export interface ControllerManagerConfig extends LeaderElectionOptions {
  /** host:port of the apiserver. */
  server: string;
  token?: string;
  /** /metrics, /healthz, /readyz address ("" disables). kube-controller-manager serves 10257. */
  httpListen: string;
  /** The --controllers flag: "*", names, "-name". */
  controllers: string[];
  /** Concurrent reconciles per controller (kube-controller-manager's --concurrent-*-syncs: 5). */
  workers: number;
  /** Client rate limit. */
  qps: number;
  burst: number;
}

export const defaultConfig: ControllerManagerConfig = {
  server: '127.0.0.1:6443',
  httpListen: '127.0.0.1:10257',
  controllers: ['*'],
  workers: 5,
  ...defaultLeaderElection('skiff-controller-manager'),
  qps: 50,
  burst: 100,
};
