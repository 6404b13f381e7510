// One client watch served by a watch cache: its filter, where it stands, and its output stream.
import { encodeWatchEvent, encodeWatchResponse } from '@skiff/machinery';
import type { CacheEvent, EventType } from './cache-event.js';
import type { ObjectFilter } from './filter.js';

export interface WatchSink {
  /** Writes one WatchResponse; returns the bytes buffered but not yet sent to the client. */
  write(bytes: Buffer): number;
  /** Ends the stream cleanly (the client resumes from its last resourceVersion). */
  end(): void;
}

/** A watcher whose unsent output grows past this is closed; it resumes from where it was. */
const MAX_BUFFERED = 32 * 1024 * 1024;
const bookmarkEvent = encodeWatchEvent('BOOKMARK');

export class Watcher {
  closed = false;
  /** Events at or below this revision were sent already (or predate the watch). */
  sentRevision: bigint;
  lastSendAt = Date.now();

  constructor(
    readonly filter: ObjectFilter,
    private readonly sink: WatchSink,
    startRevision: bigint,
    readonly bookmarks: boolean,
    private readonly onClose: (w: Watcher) => void,
  ) {
    this.sentRevision = startRevision;
  }

  /** Sends the events of one revision that concern this watcher. */
  deliver(revision: bigint, events: CacheEvent[], unfilteredBytes: () => Buffer): void {
    if (this.closed || revision <= this.sentRevision) return;
    this.sentRevision = revision;
    if (!this.filter.selective && !this.filter.namespace) {
      this.send(unfilteredBytes());
      return;
    }
    const out: Buffer[] = [];
    for (const e of events) {
      const as = this.view(e);
      if (as) out.push(e.encoded(as));
    }
    if (out.length > 0) this.send(encodeWatchResponse(String(revision), out));
  }

  view(e: CacheEvent): EventType | undefined {
    return eventView(this.filter, e);
  }

  /** The node names under which the index must find this watcher's events, if it is indexed ("" for
   * unscheduled pods: the scheduler watches `spec.nodeName=`). */
  static indexValues(e: CacheEvent): string[] {
    const a = e.object.nodeName;
    const b = e.prev?.nodeName;
    return b === undefined || b === a ? [a] : [a, b];
  }

  send(bytes: Buffer): void {
    if (this.closed) return;
    this.lastSendAt = Date.now();
    const buffered = this.sink.write(bytes);
    if (buffered > MAX_BUFFERED) this.close();
  }

  bookmark(revision: bigint, initialEventsEnd = false): void {
    if (this.closed || !(this.bookmarks || initialEventsEnd)) return;
    this.send(encodeWatchResponse(String(revision), [bookmarkEvent], initialEventsEnd));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    this.sink.end();
  }
}

/** How a watch with `filter` sees an event: its own type, a transition (ADDED/DELETED), or nothing. */
export function eventView(f: ObjectFilter, e: CacheEvent): EventType | undefined {
  if (e.type === 'DELETED') return f.matches(e.object) ? 'DELETED' : undefined;
  const now = f.matches(e.object);
  const before = e.prev !== undefined && f.matches(e.prev);
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}
