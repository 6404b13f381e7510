// skiff-controller-manager: run(config, signal) serves /metrics, /healthz and /readyz, campaigns
// for the Lease and, while leading, runs the enabled controllers over one set of shared informers.
// Leadership lost means stop at once (as kube-controller-manager, which exits): `stopped` says so.
import { setMaxListeners } from 'node:events';
import {
  Clientset,
  EventBroadcaster,
  type LeaderElectedEnd,
  type Logger,
  SharedInformerFactory,
  createClient,
  waitForApiserver,
  createLeaderElectionClient,
  createLogger,
  createMetrics,
  realClock,
  runLeaderElected,
  startHealthServer,
} from '@skiff/machinery';
import { type ControllerManagerConfig, defaultConfig } from './config.js';
import type { ControllerDescriptor } from './context.js';
import { isControllerEnabled, unknownControllers } from './controllers-flag.js';
import { controllers as allControllers } from './controllers/registry.js';

export interface RunningControllerManager {
  /** http://host:port of /metrics, /healthz, /readyz, or "" when disabled. */
  httpAddress: string;
  identity: string;
  isLeader(): boolean;
  /** The controllers this instance runs when leading. */
  enabled: string[];
  /** Resolves once everything has stopped: "stopped" (the signal) or "leadership-lost". */
  stopped: Promise<LeaderElectedEnd>;
}

function splitHostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`${addr}: want host:port`);
  return { host: addr.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(addr.slice(i + 1)) };
}

export async function run(
  partial: Partial<ControllerManagerConfig>,
  signal: AbortSignal,
  logger?: Logger,
  registryOverride?: readonly ControllerDescriptor[],
): Promise<RunningControllerManager> {
  const config: ControllerManagerConfig = { ...defaultConfig, ...partial };
  const log = logger ?? createLogger({ component: 'skiff-controller-manager' });
  const known = registryOverride ?? allControllers;
  const unknown = unknownControllers(config.controllers, known.map((c) => c.name));
  if (unknown.length > 0) throw new Error(`--controllers: unknown controller(s) ${unknown.join(', ')} (known: ${known.map((c) => c.name).join(', ')})`);
  const enabled = known.filter((c) => isControllerEnabled(c.name, config.controllers));
  for (const c of enabled) c.validate?.(config);
  const clientConfig = { server: config.server, ...(config.token ? { token: config.token } : {}), userAgent: 'skiff-controller-manager', rateLimit: { qps: config.qps, burst: config.burst } };
  const client = createClient(clientConfig);
  const registry = createMetrics();

  let synced: () => boolean = () => false;
  let httpAddress = '';
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) stop.abort();
  if (config.httpListen) {
    const { host, port } = splitHostPort(config.httpListen);
    const health = await startHealthServer({
      host,
      port,
      registry,
      signal: stop.signal,
      log,
      // A standby is ready; a leader once its informers have synced.
      checks: { 'informer-sync': () => !elected.isLeader() || synced() },
    });
    httpAddress = health.url;
  }

  const lead = async (leadSignal: AbortSignal): Promise<void> => {
    // Every informer (one per resource for the garbage collector) and controller listens on it.
    setMaxListeners(0, leadSignal);
    const factory = new SharedInformerFactory({ client, log });
    const events = new EventBroadcaster({ client, log });
    const ctx = { client, clientset: new Clientset(client), factory, events, registry, clock: realClock, workers: config.workers, signal: leadSignal, config };
    const runs = enabled.map((c) => {
      log.info('starting controller', { controller: c.name });
      return c.run({ ...ctx, log: log.child({ controller: c.name }) }).catch((err: unknown) => log.error('controller failed', { controller: c.name, err }));
    });
    factory.start(leadSignal);
    synced = () => false;
    void factory.waitForCacheSync(leadSignal).then((ok) => {
      if (ok) synced = () => true;
    });
    await Promise.all(runs);
    await factory.stopped();
    await events.shutdown();
  };

  // As kube-controller-manager: leader election has a client of its own, so that renewals never
  // queue behind the controllers' requests in the rate limiter.
  // started alongside the apiserver: elect as soon as it answers, not a retry period later
  await waitForApiserver(client, { signal: stop.signal, log });
  const leaderElectionClient = config.leaderElect ? createLeaderElectionClient(clientConfig, config.renewDeadlineMs) : undefined;
  const elected = runLeaderElected({ ...config, client: leaderElectionClient ?? client, log, signal: stop.signal, work: lead });
  const stopped = elected.done.then((result) => {
    signal.removeEventListener('abort', onAbort);
    stop.abort();
    client.close();
    leaderElectionClient?.close();
    return result;
  });
  return {
    httpAddress,
    identity: elected.identity,
    isLeader: () => elected.isLeader(),
    enabled: enabled.map((c) => c.name),
    stopped,
  };
}
