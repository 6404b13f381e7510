// Configuration of skiff-apiserver, as parsed from flags by main.ts.

export interface ApiServerConfig {
  /** etcd client URLs. */
  etcdServers: string[];
  /** Prefix of every key the apiserver writes ("/registry"). */
  etcdPrefix: string;
  /** gRPC listen address (host:port). Loopback by default; any other host requires tokenFile. */
  listen: string;
  /** File of bearer tokens, one per line ("token,user" or "token"). Required off loopback. */
  tokenFile?: string;
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
  /** Largest object accepted, in bytes of its JSON encoding. */
  maxObjectBytes: number;
  /** Events kept per resource type for watch resumption from the cache. */
  watchCacheSize: number;
  /** Interval of BOOKMARK events to idle watchers that asked for them. */
  bookmarkIntervalMs: number;
}

export const defaultConfig: ApiServerConfig = {
  etcdServers: ['http://127.0.0.1:2379'],
  etcdPrefix: '/registry',
  listen: '127.0.0.1:6443',
  httpListen: '127.0.0.1:6444',
  serviceClusterIPRange: '10.96.0.0/12',
  serviceNodePortRange: '30000-32767',
  eventTTLSeconds: 3600,
  maxObjectBytes: 1.5 * 1024 * 1024,
  watchCacheSize: 10_000,
  bookmarkIntervalMs: 10_000,
};
