// Writes events for every recorder of a process, as client-go's event broadcaster + recordToSink:
// recorders hand events over and return at once; one writer correlates them (event-correlator.ts)
// and writes each as a create, or as a patch of the stored event's count / lastTimestamp / message
// for a repeat (a create again if that event is gone); the replies are not decoded (only the stored
// event's name is read: Client.createAck / patchAck). The queue is bounded (1000, client-go's
// maxQueuedEvents): when full, new events are dropped and counted, never waited for. A failed
// write is retried (12 tries, 10 s apart, as client-go) unless the server refused the event.
import { type Event, type KObject, isApiError } from '@skiff/api';
import { type Clock, realClock, sleep } from '../clock.js';
import type { Client } from '../client/types.js';
import { type Logger, discardLogger } from '../log.js';
import { Fifo } from '../workqueue/fifo.js';
import { type CorrelatorOptions, EventCorrelator, eventName, timestamp } from './event-correlator.js';

export interface EventBroadcasterOptions {
  client: Client;
  clock?: Clock;
  log?: Logger;
  /** Events waiting to be written before new ones are dropped. Default 1000. */
  maxQueued?: number;
  /** Tries per event. Default 12. */
  maxTries?: number;
  /** Between tries. Default 10 000 ms. */
  retryIntervalMs?: number;
  correlator?: CorrelatorOptions;
}

export type EventType = 'Normal' | 'Warning';

/** Records events about objects for one component, as client-go's record.EventRecorder. */
export interface EventRecorder {
  /** Never blocks and never throws: the write happens in the background. */
  event(obj: KObject, type: EventType, reason: string, message: string): void;
}

export interface EventSource {
  /** "scheduler", "deployment-controller", "node-agent". */
  component: string;
  /** The node, for node-local components. */
  host?: string;
}

/** Write codes that retrying cannot fix: the event is given up. */
const REFUSED = ['INVALID_ARGUMENT', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'UNAUTHENTICATED', 'FAILED_PRECONDITION', 'RESOURCE_EXHAUSTED'] as const;

export class EventBroadcaster {
  private readonly client: Client;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxQueued: number;
  private readonly maxTries: number;
  private readonly retryIntervalMs: number;
  private readonly correlator: EventCorrelator;
  private readonly queue = new Fifo<Event>();
  private writing: Promise<void> | undefined;
  private readonly stop = new AbortController();
  /** Events dropped because the queue was full. */
  dropped = 0;
  /** Events dropped by the spam filter. */
  filtered = 0;

  constructor(opts: EventBroadcasterOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.log = (opts.log ?? discardLogger()).child({ component: 'events' });
    this.maxQueued = opts.maxQueued ?? 1000;
    this.maxTries = opts.maxTries ?? 12;
    this.retryIntervalMs = opts.retryIntervalMs ?? 10_000;
    this.correlator = new EventCorrelator(this.clock, opts.correlator);
  }

  newRecorder(source: EventSource): EventRecorder {
    return { event: (obj, type, reason, message) => this.record(source, obj, type, reason, message) };
  }

  /** Resolves once every queued event has been written (or given up). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Stops writing: queued events are dropped, a retry wait ends. Resolves when the writer stopped. */
  async shutdown(): Promise<void> {
    this.stop.abort();
    this.queue.clear();
    await this.flush();
  }

  private record(source: EventSource, obj: KObject, type: EventType, reason: string, message: string): void {
    if (this.stop.signal.aborted) return;
    if (this.queue.length >= this.maxQueued) {
      this.dropped++;
      return;
    }
    this.queue.push(makeEvent(source, obj, type, reason, message, this.clock.now()));
    if (!this.writing) {
      this.writing = this.drain()
        .catch((e: unknown) => {
          this.log.error('event writer failed', { err: e });
        })
        .finally(() => {
          this.writing = undefined;
        });
    }
  }

  private async drain(): Promise<void> {
    for (let e = this.queue.shift(); e && !this.stop.signal.aborted; e = this.queue.shift()) {
      const result = this.correlator.correlate(e);
      if (result.skip) {
        this.filtered++;
        continue;
      }
      for (let attempt = 1; ; attempt++) {
        const outcome = await this.write(result.event, result.patch);
        if (outcome !== 'retry') {
          if (outcome) this.correlator.updateState(outcome, result.key);
          break;
        }
        if (attempt >= this.maxTries) {
          this.log.error('event not written, giving up', { reason: e.reason, object: e.involvedObject.name, tries: attempt });
          break;
        }
        if (!(await sleep(this.clock, this.retryIntervalMs, this.stop.signal))) return;
      }
    }
  }

  /** The stored event's name; undefined when refused (given up); 'retry' when the server could not be reached. */
  private async write(event: Event, patch: { count: number; lastTimestamp: string; message: string } | undefined): Promise<string | undefined | 'retry'> {
    const ns = event.metadata.namespace ?? 'default';
    try {
      if (patch) {
        try {
          return (await this.client.patchAck('events', ns, event.metadata.name!, patch)).name;
        } catch (e) {
          if (!isApiError(e, 'NOT_FOUND')) throw e;
        }
      }
      const fresh: Event = { ...event, metadata: { ...event.metadata } };
      delete fresh.metadata.resourceVersion;
      return (await this.client.createAck(fresh)).name;
    } catch (e) {
      if (REFUSED.some((code) => isApiError(e, code))) {
        this.log.warn('server refused the event', { reason: event.reason, object: event.involvedObject.name, err: e });
        return undefined;
      }
      this.log.debug('event write failed, retrying', { reason: event.reason, err: e });
      return 'retry';
    }
  }
}

/** The Event for an object, as client-go's recorder makes it. */
export function makeEvent(source: EventSource, obj: KObject, type: EventType, reason: string, message: string, now: number): Event {
  const m = obj.metadata;
  const ts = timestamp(now);
  const namespace = m.namespace || 'default';
  const ref = { kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion };
  const event: Event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: eventName(m.name ?? '', now), namespace },
    involvedObject: Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined && v !== '')),
    reason,
    message,
    source: source.host ? { component: source.component, host: source.host } : { component: source.component },
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
    type,
    reportingComponent: source.component,
  };
  if (source.host) event.reportingInstance = source.host;
  return event;
}
