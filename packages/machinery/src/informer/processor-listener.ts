// One handler of a shared informer with its own buffer, as client-go's processorListener: the
// informer appends notifications and returns at once; a pump delivers them to the handler one at a
// time, in order, awaiting a handler that returns a promise. A slow handler only delays itself: the
// watch and the other handlers go on. The buffer grows as needed (client-go's ring buffer does
// too): nothing is dropped.
import type { KObject } from '@skiff/api';
import type { Logger } from '../log.js';
import { Fifo } from '../workqueue/fifo.js';
import { type DeletedObject, deletedObject } from './tombstone.js';

/**
 * What a handler is told. Objects are the cached ones: read-only (frozen) and shared. A handler that
 * returns a promise is awaited: the next notification for that handler waits for it. One that throws (or
 * rejects) is logged; the next notification is still delivered.
 */
export interface EventHandler<T extends KObject = KObject> {
  /** `isInInitialList`: the object was in the cache when the handler was added or synced. */
  onAdd?(obj: T, isInInitialList: boolean): unknown;
  /** Also called with old === new on a periodic resync. */
  onUpdate?(oldObj: T, newObj: T): unknown;
  /** The last state seen; a DeletedFinalStateUnknown when only a re-list showed the deletion. */
  onDelete?(obj: DeletedObject<T>): unknown;
}

export type Notification<T extends KObject> =
  | { type: 'add'; obj: T; initial: boolean }
  | { type: 'update'; old: T; obj: T }
  | { type: 'delete'; obj: DeletedObject<T> };

/** Notifications delivered synchronously in a row before the pump yields to the event loop. */
const BATCH = 100;

export class ProcessorListener<T extends KObject> {
  private readonly buffer = new Fifo<Notification<T>>();
  private running = false;
  private stopped = false;
  private enqueued = 0;
  private delivered = 0;
  /** Notifications that make up the initial contents; undefined until the informer has synced. */
  private syncTarget: number | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly handler: EventHandler<T>,
    private readonly log: Logger,
  ) {}

  add(n: Notification<T>): void {
    if (this.stopped) return;
    this.buffer.push(n);
    this.enqueued++;
    if (!this.running) {
      this.running = true;
      queueMicrotask(() => {
        this.pump().catch((e: unknown) => this.log.error('event handler pump failed', { err: e }));
      });
    }
  }

  /** Everything enqueued so far is the initial contents (called when the informer syncs). */
  markSynced(): void {
    this.syncTarget ??= this.enqueued;
  }

  /** True once the initial contents have been delivered. */
  hasSynced(): boolean {
    return this.syncTarget !== undefined && this.delivered >= this.syncTarget;
  }

  /** Notifications waiting for this handler. */
  pending(): number {
    return this.buffer.length;
  }

  /** Resolves when the buffer is empty and no notification is being handled. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.buffer.clear();
  }

  private async pump(): Promise<void> {
    let inRow = 0;
    for (let n = this.buffer.shift(); n; n = this.buffer.shift()) {
      try {
        const r = this.deliver(n);
        if (r instanceof Promise) await r;
      } catch (e) {
        this.log.error('event handler failed', { event: n.type, key: keyOf(n), err: e });
      }
      this.delivered++;
      if (++inRow >= BATCH) {
        inRow = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.running = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private deliver(n: Notification<T>): unknown {
    const h = this.handler;
    switch (n.type) {
      case 'add':
        return h.onAdd?.(n.obj, n.initial);
      case 'update':
        return h.onUpdate?.(n.old, n.obj);
      case 'delete':
        return h.onDelete?.(n.obj);
    }
  }
}

function keyOf(n: Notification<KObject>): string {
  const o = n.type === 'delete' ? deletedObject(n.obj) : n.obj;
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : `${o.metadata.name}`;
}
