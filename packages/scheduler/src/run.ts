// skiff-scheduler: run(config, signal) wires the scheduling core to the apiserver.
//
//   pods, nodes informers ──► SchedulerEventHandlers ──► queue / cache / nominator
//   leader (Lease) only:  Scheduler.run: pop ─► cycle ─► assume ─► Bind RPC (ClientPodBinder)
//   outcomes (OutcomeWriter): Events, PodScheduled=False + nominatedNodeName, victims deleted
//   /metrics /healthz /readyz (ready once the handlers have the informers' initial contents), and
//   POST /explain: where a pod not created would go (process/explain-endpoint.ts)
//
// Losing the lease ends the process (as kube-scheduler): `stopped` rejects with
// LeaderElectionLostError once everything is closed.
import { setTimeout as delay } from 'node:timers/promises';
import { PLACEMENT_EXPLAIN_PATH, type Node, type Pod } from '@skiff/api';
import {
  Clientset,
  EventBroadcaster,
  type HealthServer,
  type LeaderElectedEnd,
  type Logger,
  type Registry,
  SharedInformerFactory,
  createClient,
  waitForApiserver,
  createLeaderElectionClient,
  createMetrics,
  deletedObject,
  discardLogger,
  listerFor,
  realClock,
  runLeaderElected,
  startHealthServer,
} from '@skiff/machinery';
import { resolveConfig } from './config/resolve.js';
import { inTreeRegistry } from './plugins/registry.js';
import { SchedulerEventHandlers } from './event-handlers.js';
import { ClientPodBinder } from './process/client-binder.js';
import { explainRoute } from './process/explain-endpoint.js';
import { SchedulerMetrics } from './process/metrics.js';
import { OutcomeWriter } from './process/outcomes.js';
import type { SchedulerRunConfig } from './process/run-config.js';
import type { PendingCounts } from './queue/scheduling-queue.js';
import { Scheduler } from './scheduler.js';

export class LeaderElectionLostError extends Error {
  constructor() {
    super('leader election lost');
    this.name = 'LeaderElectionLostError';
  }
}

/** Writes the queued events, for at most `ms` (the apiserver may be gone), then stops the writer. */
async function flushAtMost(b: EventBroadcaster, ms: number): Promise<void> {
  const ac = new AbortController();
  await Promise.race([b.flush(), delay(ms, undefined, { signal: ac.signal }).catch(() => undefined)]);
  ac.abort();
  await b.shutdown();
}

export interface RunningScheduler {
  scheduler: Scheduler;
  metrics: Registry;
  /** Set when the health server runs. */
  health?: HealthServer;
  /** This process holds the Lease (always true without leader election once it schedules). */
  isLeader(): boolean;
  /** Settles once everything stopped: after the signal aborted, or (rejecting) after the lease was lost. */
  stopped: Promise<void>;
}

export async function run(config: SchedulerRunConfig, signal: AbortSignal, log: Logger = discardLogger()): Promise<RunningScheduler> {
  const scheduling = config.scheduling ?? resolveConfig({}, inTreeRegistry);
  const clientConfig = { server: config.server, userAgent: 'skiff-scheduler', rateLimit: { qps: config.qps, burst: config.burst }, ...(config.token ? { token: config.token } : {}) };
  const client = createClient(clientConfig);
  const cs = new Clientset(client);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  if (signal.aborted) stop.abort();
  else signal.addEventListener('abort', onAbort, { once: true });

  const registry = createMetrics();
  const factory = new SharedInformerFactory({ client, log });
  const podInformer = factory.informerFor<Pod>('pods');
  const nodeInformer = factory.informerFor<Node>('nodes');
  const pods = listerFor(podInformer);
  const broadcaster = new EventBroadcaster({ client, log });
  // Read at scrape time, once `s` exists (the health server starts after it).
  const metrics: SchedulerMetrics = new SchedulerMetrics(registry, (): PendingCounts => s.queue.pending(), () => realClock.now());
  const outcomes = new OutcomeWriter({
    cs,
    recorder: broadcaster.newRecorder({ component: 'default-scheduler' }),
    currentPod: (ns, name) => pods.get(ns, name),
    metrics,
    clock: realClock,
    log,
  });
  const s: Scheduler = new Scheduler({ config: scheduling, registry: inTreeRegistry, binder: new ClientPodBinder(cs), hooks: outcomes });

  const handlers = new SchedulerEventHandlers(s);
  const podReg = podInformer.addEventHandler({
    onAdd: (p) => handlers.podAdded(p),
    onUpdate: (o, p) => handlers.podUpdated(o, p),
    onDelete: (d) => handlers.podDeleted(deletedObject(d)),
  });
  const nodeReg = nodeInformer.addEventHandler({
    onAdd: (n) => handlers.nodeAdded(n),
    onUpdate: (o, n) => handlers.nodeUpdated(o, n),
    onDelete: (d) => handlers.nodeDeleted(deletedObject(d)),
  });
  const handlersSynced = (): boolean => podReg.hasSynced() && nodeReg.hasSynced();
  // started alongside the apiserver: list and elect as soon as it answers, not a retry period later
  await waitForApiserver(client, { signal: stop.signal, log });
  factory.start(stop.signal);

  let health: HealthServer | undefined;
  try {
    if (config.healthPort !== undefined) {
      health = await startHealthServer({
        port: config.healthPort,
        host: config.healthHost,
        registry,
        checks: { 'sched-handler-sync': handlersSynced },
        routes: { [PLACEMENT_EXPLAIN_PATH]: explainRoute(s, handlersSynced) },
        signal: stop.signal,
        log,
      });
    }
  } catch (err) {
    stop.abort();
    client.close();
    throw err;
  }

  const schedule = async (lead: AbortSignal): Promise<void> => {
    // Nodes and bound pods must be in the cache before the first cycle, or pods would not fit.
    if (!(await factory.waitForCacheSync(lead))) return;
    await Promise.all([podReg.idle(), nodeReg.idle()]);
    log.info('scheduling', { profiles: [...s.profiles.keys()] });
    await s.run(lead);
  };
  // As kube-scheduler: leader election has a client of its own, so that renewals never queue
  // behind binds and status writes in the rate limiter.
  const leaderElectionClient = config.leaderElect ? createLeaderElectionClient(clientConfig, config.renewDeadlineMs) : undefined;
  const elected = runLeaderElected({ ...config, client: leaderElectionClient ?? client, log, signal: stop.signal, work: schedule });
  const stopped = (async () => {
    let end: LeaderElectedEnd;
    try {
      end = await elected.done;
    } finally {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
      await s.drain();
      await outcomes.drain();
      await flushAtMost(broadcaster, 2000);
      await factory.stopped();
      await health?.close();
      client.close();
      leaderElectionClient?.close();
    }
    if (end === 'leadership-lost') throw new LeaderElectionLostError();
  })();
  return { scheduler: s, metrics: registry, ...(health ? { health } : {}), isLeader: () => elected.isLeader(), stopped };
}
