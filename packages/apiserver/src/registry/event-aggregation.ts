// Repeated Events are counted, not duplicated: an Event whose involved object, reason, message, type
// and source equal those of a stored one increments that one's count and lastTimestamp instead of
// being stored again (what Kubernetes' client-side event correlator does, done once in the server).
import { objectKey, type KObject } from '@skiff/api';
import type { WatchCache } from '../cache/watch-cache.js';
import { makeFilter } from '../cache/filter.js';
import { now } from './time.js';

interface EventFields {
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
}

function aggregationKey(e: KObject): string {
  const f = e as KObject & EventFields;
  const io = f.involvedObject ?? {};
  return JSON.stringify([
    e.metadata.namespace,
    io.kind,
    io.namespace,
    io.name,
    io.uid,
    io.fieldPath,
    f.reason,
    f.message,
    f.type,
    f.source?.component ?? f.reportingComponent,
    f.source?.host,
  ]);
}

export class EventAggregator {
  /** aggregation key -> "ns/name" of the stored Event. */
  private index?: Map<string, string>;

  constructor(private readonly cache: () => WatchCache) {}

  /** Server-side defaults of a new Event: timestamps and count. */
  prepare(e: KObject): void {
    const f = e as KObject & EventFields;
    f.firstTimestamp ??= now();
    f.lastTimestamp ??= f.firstTimestamp;
    f.count ??= 1;
  }

  /** The key of a stored Event this one repeats, if any. */
  async findRepeat(e: KObject): Promise<string | undefined> {
    const cache = this.cache();
    await cache.whenReady();
    const index = this.buildIndex(cache);
    const k = aggregationKey(e);
    const found = index.get(k);
    if (found) {
      const stored = cache.get(found)?.decode();
      if (stored && aggregationKey(stored) === k) return found;
      index.delete(k);
    }
    index.set(k, objectKey(e));
    return undefined;
  }

  private buildIndex(cache: WatchCache): Map<string, string> {
    if (!this.index) {
      this.index = new Map();
      for (const c of cache.list(makeFilter(cache.type, '', '', '')).items) this.index.set(aggregationKey(c.decode()), c.key);
    }
    return this.index;
  }
}
