// The client leader election talks through, as kube-controller-manager's and kube-scheduler's
// "leader-election" clientset: a connection and a rate limiter of its own, so that a renewal never
// waits behind the component's bulk requests (500 pod creates at 50 qps would hold it back 10 s,
// the whole renew deadline), and calls that give up at the renew deadline, the timeout Kubernetes
// gives that client.
import { type ClientConfig, createClient } from '../client/grpc-client.js';
import type { Client } from '../client/types.js';

export function createLeaderElectionClient(config: ClientConfig, renewDeadlineMs: number): Client {
  return createClient({ ...config, userAgent: `${config.userAgent ?? 'skiff-client'}/leader-election`, timeoutMs: renewDeadlineMs });
}
