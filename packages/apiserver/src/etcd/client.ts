// The apiserver's etcd client. The etcd3 client guards each etcd host with a circuit breaker and
// retries calls (cockatiel policies); by default both act on every error it deems "recoverable",
// which includes a request etcd refused for its own size (RESOURCE_EXHAUSTED): three such refusals in
// a row opened the breaker and failed every write of every client for 5 s. Here only connection-level
// failures (isConnectionFailure) count, and nothing is retried by the client: a write that failed in
// transit may have been applied, so only the caller can tell whether a retry is safe.
import { circuitBreaker, ConsecutiveBreaker, handleWhen, noop } from 'cockatiel';
import { Etcd3 } from 'etcd3';
import { isConnectionFailure } from './errors.js';

/** How long an etcd host that failed three calls in a row at the connection level is left alone. */
const HALF_OPEN_AFTER_MS = 1000;
const CONSECUTIVE_FAILURES = 3;

export function createEtcdClient(hosts: string[]): Etcd3 {
  return new Etcd3({
    hosts,
    dialTimeout: 5000,
    grpcOptions: {
      'grpc.enable_channelz': 0,
      // Ranges are paged by count (the watch caches read 10,000 objects a page) and objects may be
      // near the request limit: no receive limit, as kube-apiserver's etcd client (MaxInt32).
      'grpc.max_receive_message_length': -1,
    },
    faultHandling: {
      host: () => circuitBreaker(handleWhen(isConnectionFailure), { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(CONSECUTIVE_FAILURES) }),
      global: noop,
    },
  });
}
