// client-go's EventCorrelator: what to do with an event before it is written.
//
// 1. Aggregation: more than `maxEvents` (10) events about the same object with the same source,
//    type and reason but different messages within `maxIntervalMs` (10 min) become one event,
//    "(combined from similar events): <latest message>", counted from then on.
// 2. Logging: an event identical to one seen before (same key) is a repeat: it keeps the first
//    one's name and firstTimestamp, its count goes up, and it is written as a patch of
//    count / lastTimestamp / message instead of a new object.
// 3. Spam filter: a token bucket per source and object (burst 25, refilled one every 5 minutes):
//    events beyond it are dropped.
import type { Event } from '@skiff/api';
import type { Clock } from '../clock.js';
import { aggregateKey, eventKey, spamKey } from './event-keys.js';
import { LruCache } from './lru.js';

export interface CorrelatorOptions {
  /** Distinct messages before similar events are combined. Default 10. */
  maxEvents?: number;
  /** Window of the aggregation. Default 600 000 ms. */
  maxIntervalMs?: number;
  /** Spam filter burst per source and object. Default 25. */
  spamBurst?: number;
  /** Spam filter refill, tokens per second. Default 1/300. */
  spamQps?: number;
  /** Entries of each cache. Default 4096. */
  cacheSize?: number;
}

export interface CorrelateResult {
  /** The event to write (a copy). */
  event: Event;
  /** Set for a repeat: the merge patch of the stored event (count, lastTimestamp, message). */
  patch?: { count: number; lastTimestamp: string; message: string };
  /** Dropped by the spam filter. */
  skip: boolean;
  /** The observation's key, for updateState after the write. */
  key: string;
}

interface AggregateRecord {
  messages: Set<string>;
  last: number;
}

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
}

interface Bucket {
  tokens: number;
  last: number;
}

export const COMBINED_PREFIX = '(combined from similar events): ';

export class EventCorrelator {
  private readonly maxEvents: number;
  private readonly maxIntervalMs: number;
  private readonly spamBurst: number;
  private readonly spamQps: number;
  private readonly aggregates: LruCache<AggregateRecord>;
  private readonly observations: LruCache<Observation>;
  private readonly buckets: LruCache<Bucket>;

  constructor(
    private readonly clock: Clock,
    opts: CorrelatorOptions = {},
  ) {
    this.maxEvents = opts.maxEvents ?? 10;
    this.maxIntervalMs = opts.maxIntervalMs ?? 600_000;
    this.spamBurst = opts.spamBurst ?? 25;
    this.spamQps = opts.spamQps ?? 1 / 300;
    const size = opts.cacheSize ?? 4096;
    this.aggregates = new LruCache(size);
    this.observations = new LruCache(size);
    this.buckets = new LruCache(size);
  }

  correlate(input: Event): CorrelateResult {
    const { event: aggregated, key } = this.aggregate(input);
    const observed = this.observe(aggregated, key);
    return { ...observed, skip: !this.allow(observed.event), key };
  }

  /** Records the stored event's name after a write (a create may have been answered by another name). */
  updateState(writtenName: string, key: string): void {
    const obs = this.observations.get(key);
    if (obs && writtenName) obs.name = writtenName;
  }

  private aggregate(e: Event): { event: Event; key: string } {
    const now = this.clock.now();
    const akey = aggregateKey(e);
    let rec = this.aggregates.get(akey);
    if (!rec || now - rec.last > this.maxIntervalMs) rec = { messages: new Set(), last: now };
    rec.messages.add(e.message ?? '');
    rec.last = now;
    this.aggregates.set(akey, rec);
    if (rec.messages.size < this.maxEvents) return { event: e, key: eventKey(e) };
    // Do not let the set grow beyond the maximum.
    rec.messages.delete(rec.messages.values().next().value!);
    const ts = timestamp(now);
    return {
      event: {
        ...e,
        metadata: { name: eventName(e.involvedObject.name ?? '', now), namespace: e.metadata.namespace },
        message: COMBINED_PREFIX + (e.message ?? ''),
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
      },
      key: akey,
    };
  }

  private observe(e: Event, key: string): { event: Event; patch?: CorrelateResult['patch'] } {
    const last = this.observations.get(key);
    const event: Event = { ...e, metadata: { ...e.metadata } };
    let patch: CorrelateResult['patch'];
    if (last && last.count > 0) {
      event.metadata.name = last.name;
      event.firstTimestamp = last.firstTimestamp;
      event.count = last.count + 1;
      patch = { count: event.count, lastTimestamp: event.lastTimestamp ?? '', message: event.message ?? '' };
    }
    this.observations.set(key, { count: event.count ?? 1, firstTimestamp: event.firstTimestamp ?? '', name: event.metadata.name ?? '' });
    return patch ? { event, patch } : { event };
  }

  /** The spam filter: one token per event from the source+object's bucket. */
  private allow(e: Event): boolean {
    const now = this.clock.now();
    const key = spamKey(e);
    const b = this.buckets.get(key) ?? { tokens: this.spamBurst, last: now };
    b.tokens = Math.min(this.spamBurst, b.tokens + ((now - b.last) / 1000) * this.spamQps);
    b.last = now;
    this.buckets.set(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

/** client-go's event name: "<object name>.<hex nanoseconds>". */
export function eventName(objectName: string, ms: number): string {
  return `${objectName}.${(BigInt(ms) * 1_000_000n + BigInt(nameSeq++ % 1_000_000)).toString(16)}`;
}

let nameSeq = 0;

/** RFC 3339 to the second, as Kubernetes writes event times. */
export function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
