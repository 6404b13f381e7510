// The controller runner, as controller-runtime's: informer events become keys in a work queue,
// N workers reconcile one key at a time (never the same key twice at once), errors retry with
// per-key backoff, successes forget the key's failures.
import { type KObject, splitKey } from '@skiff/api';
import type { Registry } from 'prom-client';
import { type Clock, realClock } from '../clock.js';
import type { HandlerRegistration, SharedInformer } from '../informer/shared-informer.js';
import { deletedObject } from '../informer/tombstone.js';
import { waitForHandlersSynced } from '../informer/wait-for-handler-sync.js';
import { type Logger, discardLogger } from '../log.js';
import { counter, histogram } from '../metrics.js';
import { WorkQueue } from '../workqueue/queue.js';
import { enqueueObject } from './enqueue-owner.js';

export interface Request {
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
}

export interface ReconcileContext {
  /** Aborts when the controller stops: give up and return. */
  signal: AbortSignal;
  /** Carries controller and key fields. */
  log: Logger;
}

/**
 * requeueAfterMs: reconcile again after that delay (failures are forgotten). requeue: again with
 * the rate-limited backoff. Nothing: done until the next event.
 */
export type ReconcileResult = void | { requeueAfterMs?: number; requeue?: boolean };

/**
 * Reconcile brings the world to the desired state for one key. It must be idempotent, read objects
 * from the informers' caches (read-only: clone() before changing), and write with a
 * resourceVersion precondition. A thrown error retries the key with backoff.
 */
export interface Reconciler {
  reconcile(ctx: ReconcileContext, req: Request): Promise<ReconcileResult>;
}

export interface WatchSource<T extends KObject = KObject> {
  informer: SharedInformer<T>;
  /** Keys to reconcile for an event on `obj`. Default: the object's own key. */
  mapToKeys?: (obj: T) => string[];
}

export interface ControllerOptions {
  name: string;
  reconciler: Reconciler;
  /** Concurrent reconciles (on distinct keys). Default 1. */
  workers?: number;
  watches: WatchSource<any>[];
  /** Stops the controller: the queue shuts down, in-flight reconciles see ctx.signal abort. */
  signal: AbortSignal;
  log?: Logger;
  /** Default: a WorkQueue named after the controller, with the default controller rate limiter. */
  queue?: WorkQueue;
  clock?: Clock;
  /** Records controller_reconcile_total{controller,result} and controller_reconcile_time_seconds. */
  registry?: Registry;
}

/** Runs until `signal` aborts and every worker has returned. Never rejects because of a reconcile. */
export async function runController(opts: ControllerOptions): Promise<void> {
  const { name, reconciler, signal } = opts;
  const clock = opts.clock ?? realClock;
  const log = (opts.log ?? discardLogger()).child({ controller: name });
  const queue = opts.queue ?? new WorkQueue({ name, clock, registry: opts.registry });
  const total = opts.registry ? counter(opts.registry, 'controller_reconcile_total', 'Reconciles by result', ['controller', 'result']) : undefined;
  const time = opts.registry ? histogram(opts.registry, 'controller_reconcile_time_seconds', 'Reconcile duration', ['controller']) : undefined;

  const registrations: HandlerRegistration[] = opts.watches.map((w) => {
    const map = (obj: KObject): string[] => (w.mapToKeys ?? enqueueObject)(obj);
    const enqueue = (keys: string[]): void => {
      for (const k of keys) queue.add(k);
    };
    return w.informer.addEventHandler({
      onAdd: (o) => enqueue(map(o)),
      onUpdate: (a, b) => enqueue([...new Set([...map(a), ...map(b)])]),
      onDelete: (o) => enqueue(map(deletedObject(o))),
    });
  });
  const stop = (): void => queue.shutDown();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();

  const reconcileOne = async (key: string): Promise<void> => {
    const klog = log.child({ key });
    const start = clock.now();
    let result = 'success';
    try {
      const res = await reconciler.reconcile({ signal, log: klog }, splitKey(key));
      if (res && res.requeueAfterMs !== undefined && res.requeueAfterMs > 0) {
        result = 'requeue_after';
        queue.forget(key);
        queue.addAfter(key, res.requeueAfterMs);
      } else if (res?.requeue) {
        result = 'requeue';
        queue.addRateLimited(key);
      } else {
        queue.forget(key);
      }
    } catch (e) {
      result = 'error';
      if (signal.aborted) {
        klog.debug('reconcile aborted', { err: e });
      } else {
        klog.error('reconcile failed, retrying', { err: e, requeues: queue.numRequeues(key) });
        queue.addRateLimited(key);
      }
    } finally {
      total?.inc({ controller: name, result });
      time?.observe({ controller: name }, (clock.now() - start) / 1000);
    }
  };

  const worker = async (): Promise<void> => {
    for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
      try {
        await reconcileOne(key);
      } finally {
        queue.done(key);
      }
    }
  };

  try {
    const synced = await Promise.all(opts.watches.map((w) => w.informer.waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    if (!(await waitForHandlersSynced(registrations, signal))) return;
    const n = Math.max(1, opts.workers ?? 1);
    log.info('starting workers', { workers: n });
    await Promise.all(Array.from({ length: n }, () => worker()));
    log.info('workers stopped');
  } finally {
    signal.removeEventListener('abort', stop);
    for (const r of registrations) r.remove();
    queue.shutDown();
  }
}
