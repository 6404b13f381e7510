// Configuration of skiff-apiserver, as parsed from flags by main.ts.
import { ETCD_DEFAULT_LIMITS } from './etcd/batch.js';

/** What an object's keys and compares may add to its etcd request (a Service's allocations included). */
const WRITE_OVERHEAD_BYTES = 8 * 1024;
const MIN_REQUEST_BYTES = 64 * 1024;

/** The largest object that fits in one etcd request of `maxRequestBytes` with its keys. */
export function objectLimit(maxRequestBytes: number): number {
  return maxRequestBytes - WRITE_OVERHEAD_BYTES;
}

/** The full configuration: defaults, then `partial`; the object limit follows the etcd request limit
 * unless it is given. */
export function resolveConfig(partial: Partial<ApiServerConfig>): ApiServerConfig {
  const config: ApiServerConfig = { ...defaultConfig, ...partial };
  if (!(config.etcdMaxRequestBytes >= MIN_REQUEST_BYTES)) throw new Error(`--etcd-max-request-bytes must be at least ${MIN_REQUEST_BYTES} (etcd's default is ${ETCD_DEFAULT_LIMITS.maxRequestBytes})`);
  if (!(config.etcdCompactionIntervalMs >= 0)) throw new Error('--etcd-compaction-interval must be 0 (off) or a positive number of seconds');
  if (partial.maxObjectBytes === undefined) config.maxObjectBytes = objectLimit(config.etcdMaxRequestBytes);
  return config;
}

export interface ApiServerConfig {
  /** etcd client URLs. */
  etcdServers: string[];
  /** Prefix of every key the apiserver writes ("/registry"). */
  etcdPrefix: string;
  /** gRPC listen address (host:port). Loopback by default; any other host requires tokenFile. */
  listen: string;
  /** File of bearer tokens, one per line ("token,user" or "token"). Required off loopback. */
  tokenFile?: string;
  /** The token the node agents expect (their --server-token-file); without it the streaming verbs
   * (PodLogs, PodExec, PodPortForward, TopPods, TopNodes) answer FAILED_PRECONDITION. */
  nodeAgentToken?: string;
  /** Observability HTTP server (/metrics, /healthz, /readyz): host:port, or "" to disable. */
  httpListen: string;
  /** The address the apiserver's Endpoints (default/kubernetes) carry; the listen host or this machine's first IPv4 when unset. */
  advertiseAddress?: string;
  /** Service ClusterIP range. */
  serviceClusterIPRange: string;
  /** NodePort range, "30000-32767". */
  serviceNodePortRange: string;
  /** How long Events live (seconds). */
  eventTTLSeconds: number;
  /** etcd's --max-request-bytes: the largest request the apiserver sends (writes are batched within it). */
  etcdMaxRequestBytes: number;
  /** Largest object accepted, in bytes of its JSON encoding; by default what fits in one etcd request
   * with its keys (objectLimit(etcdMaxRequestBytes)). */
  maxObjectBytes: number;
  /** Interval of etcd compactions (of the history older than one interval); 0 disables. */
  etcdCompactionIntervalMs: number;
  /** Events kept per resource type for watch resumption from the cache. */
  watchCacheSize: number;
  /** Interval of BOOKMARK events to idle watchers that asked for them. */
  bookmarkIntervalMs: number;
  /** Serve the hot unary methods straight on the HTTP/2 stream (grpc/lean-unary.ts) when no
   * token file is given; false: grpc-js serves every call. */
  leanUnary: boolean;
}

export const defaultConfig: ApiServerConfig = {
  etcdServers: ['http://127.0.0.1:2379'],
  etcdPrefix: '/registry',
  listen: '127.0.0.1:6443',
  httpListen: '127.0.0.1:6444',
  serviceClusterIPRange: '10.96.0.0/12',
  serviceNodePortRange: '30000-32767',
  eventTTLSeconds: 3600,
  etcdMaxRequestBytes: ETCD_DEFAULT_LIMITS.maxRequestBytes,
  maxObjectBytes: objectLimit(ETCD_DEFAULT_LIMITS.maxRequestBytes),
  etcdCompactionIntervalMs: 5 * 60_000,
  watchCacheSize: 10_000,
  bookmarkIntervalMs: 10_000,
  leanUnary: true,
};
