// The fake's watch streams: history replay from a revision (OUT_OF_RANGE once compacted), initial
// ADDED events for a watch from "" or "0", then live batches; selector transitions become ADDED
// and DELETED, as the apiserver's watch cache does.
import { type KObject, expired } from '@skiff/api';
import type { WatchBatch, WatchEvent } from '../client/types.js';

export interface HistoryEntry {
  rv: number;
  resource: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KObject;
  old?: KObject;
}

export type Matcher = (obj: KObject) => boolean;

export interface FakeWatcher {
  resource: string;
  bookmarks: boolean;
  matches: Matcher;
  push(batch: WatchBatch): void;
  fail(err: Error): void;
}

/** The event a watch with this filter sees for a change, if any. */
export function eventFor(entry: HistoryEntry, matches: Matcher): WatchEvent | undefined {
  const now = matches(entry.object);
  const before = entry.old ? matches(entry.old) : false;
  const object = structuredClone(entry.object);
  if (entry.type === 'ADDED') return now ? { type: 'ADDED', object } : undefined;
  if (entry.type === 'DELETED') return before || now ? { type: 'DELETED', object } : undefined;
  if (now && before) return { type: 'MODIFIED', object };
  if (now) return { type: 'ADDED', object };
  if (before) return { type: 'DELETED', object };
  return undefined;
}

export interface StreamSource {
  resource: string;
  matches: Matcher;
  bookmarks: boolean;
  /** "" or "0": current objects first; else the change history after that revision. */
  resourceVersion: string;
  current(): KObject[];
  history(): readonly HistoryEntry[];
  revision(): number;
  compactedRevision(): number;
  register(w: FakeWatcher): void;
  unregister(w: FakeWatcher): void;
}

export async function* watchStream(src: StreamSource, signal: AbortSignal): AsyncGenerator<WatchBatch> {
  const buffered: WatchBatch[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  const watcher: FakeWatcher = {
    resource: src.resource,
    bookmarks: src.bookmarks,
    matches: src.matches,
    push: (b) => {
      buffered.push(b);
      notify();
    },
    fail: (e) => {
      failure = e;
      src.unregister(watcher);
      notify();
    },
  };
  const start = src.resourceVersion;
  if (start === '' || start === '0') {
    const events: WatchEvent[] = src
      .current()
      .filter(src.matches)
      .map((o) => ({ type: 'ADDED', object: structuredClone(o) }));
    buffered.push({ resourceVersion: String(src.revision()), events, initialEventsEnd: true });
  } else {
    const from = Number(start);
    if (!Number.isFinite(from) || from < src.compactedRevision()) {
      throw expired(`too old resource version: ${start} (${src.compactedRevision()})`);
    }
    for (const entry of src.history()) {
      if (entry.rv <= from || entry.resource !== src.resource) continue;
      const ev = eventFor(entry, src.matches);
      if (ev) buffered.push({ resourceVersion: String(entry.rv), events: [ev], initialEventsEnd: false });
    }
  }
  src.register(watcher);
  const onAbort = (): void => notify();
  signal.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (signal.aborted) return;
      const next = buffered.shift();
      if (next) {
        yield next;
        continue;
      }
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    src.unregister(watcher);
  }
}
