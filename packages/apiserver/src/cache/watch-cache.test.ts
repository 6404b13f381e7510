import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from '@skiff/api';
import { makeFilter } from './filter.js';
import { FakeSource } from './fake-source.js';
import { CollectingSink, keyOf, pod, podType, settled, startCache, tick } from './test-fixtures.js';

const all = makeFilter(podType, '', '', '');

describe('WatchCache window, trimming and replay', () => {
  it('keeps the newest `capacity` changes, evicting the oldest one by one', async () => {
    const { source, cache } = await startCache(8);
    try {
      const start = source.revision;
      for (let i = 0; i < 8; i++) source.put(keyOf(pod('a', `p${i}`)), pod('a', `p${i}`));
      await settled(source, cache);
      // 8 changes fit: the whole window since the start is kept.
      assert.equal(cache.oldestRevision, start);
      assert.equal(cache.covers(start), true);
      source.put(keyOf(pod('a', 'p8')), pod('a', 'p8'));
      await settled(source, cache);
      // The 9th evicts the 1st.
      assert.equal(cache.oldestRevision, start + 1n);
      assert.equal(cache.covers(start), false);
      for (let i = 9; i < 30; i++) source.put(keyOf(pod('a', `p${i}`)), pod('a', `p${i}`));
      await settled(source, cache);
      // Round the ring more than twice: still the newest 8, replayed in order.
      assert.equal(cache.oldestRevision, start + 22n);
      const sink = new CollectingSink();
      const ac = new AbortController();
      await cache.watch(all, String(start + 22n), { bookmarks: false, initialEventsEnd: false }, sink, ac.signal);
      assert.deepEqual(sink.summary(), Array.from({ length: 8 }, (_, i) => `ADDED p${22 + i}`));
      ac.abort();
    } finally {
      await cache.stop();
    }
  });

  it('a batch of one revision shares its revision in the window; a page at an older revision undoes later batches', async () => {
    const { source, cache } = await startCache(5);
    try {
      const start = source.revision;
      const put = (n: string, node = ''): { type: 'put'; key: string; value: Buffer } => ({ type: 'put', key: keyOf(pod('a', n)), value: Buffer.from(JSON.stringify(pod('a', n, node))) });
      source.commit([put('x0'), put('x1'), put('x2')]);
      source.commit([put('y0'), put('y1'), put('x0', 'n1')]);
      await settled(source, cache);
      // 6 events in a window of 5: the first event of the first revision is evicted, so that
      // revision is no longer covered; the second revision is whole.
      assert.equal(cache.oldestRevision, start + 1n);
      assert.equal(cache.covers(start), false);
      const page = cache.page(all, { at: start + 1n, limit: 0 });
      assert.deepEqual(page.items.map((o) => o.key), ['a/x0', 'a/x1', 'a/x2']);
      assert.equal(page.items[0]!.nodeName, '');
      assert.deepEqual(cache.list(all).items.map((o) => `${o.key}@${o.nodeName}`), ['a/x0@n1', 'a/x1@', 'a/x2@', 'a/y0@', 'a/y1@']);
    } finally {
      await cache.stop();
    }
  });

  const replay: { name: string; from: (start: bigint) => string; want: string[] | 'expired' }[] = [
    { name: 'from the newest revision: nothing', from: (s) => String(s + 6n), want: [] },
    { name: 'from inside the window: every later change, in order', from: (s) => String(s + 3n), want: ['ADDED p3', 'MODIFIED p0', 'DELETED p1'] },
    { name: 'from the oldest revision kept', from: (s) => String(s + 2n), want: ['ADDED p2', 'ADDED p3', 'MODIFIED p0', 'DELETED p1'] },
    { name: 'from before the window: expired', from: (s) => String(s + 1n), want: 'expired' },
    { name: 'from the current state ("0"): ADDED for each object', from: () => '0', want: ['ADDED p0', 'ADDED p2', 'ADDED p3'] },
  ];
  for (const c of replay) {
    it(`replay ${c.name}`, async () => {
      // capacity 4: after 6 changes the newest 4 are kept, oldest = start + 2.
      const { source, cache } = await startCache(4);
      try {
        const start = source.revision;
        for (let i = 0; i < 4; i++) source.put(keyOf(pod('a', `p${i}`)), pod('a', `p${i}`));
        source.put(keyOf(pod('a', 'p0')), pod('a', 'p0', 'n1'));
        source.delete(keyOf(pod('a', 'p1')));
        await settled(source, cache);
        assert.equal(cache.oldestRevision, start + 2n);
        const sink = new CollectingSink();
        const ac = new AbortController();
        const watching = cache.watch(all, c.from(start), { bookmarks: false, initialEventsEnd: false }, sink, ac.signal);
        if (c.want === 'expired') {
          await assert.rejects(watching, (e) => isApiError(e, 'OUT_OF_RANGE') && e.reason === 'Expired' && e.metadata.resourceVersion === String(source.revision));
        } else {
          await watching;
          assert.deepEqual(sink.summary(), c.want);
        }
        ac.abort();
      } finally {
        await cache.stop();
      }
    });
  }

  it('a thousand watches resuming from before the window are answered without touching the store', async () => {
    const { source, cache } = await startCache(4);
    try {
      for (let i = 0; i < 20; i++) source.put(keyOf(pod('a', `p${i}`)), pod('a', `p${i}`));
      await settled(source, cache);
      const before = { ...source.calls, revision: source.revision };
      const ac = new AbortController();
      const results = await Promise.allSettled(
        Array.from({ length: 1000 }, () => cache.watch(all, '2', { bookmarks: false, initialEventsEnd: false }, new CollectingSink(), ac.signal)),
      );
      ac.abort();
      assert.ok(results.every((r) => r.status === 'rejected' && isApiError(r.reason, 'OUT_OF_RANGE')));
      assert.deepEqual({ ...source.calls, revision: source.revision }, before);
    } finally {
      await cache.stop();
    }
  });

  it('live changes reach watchers by their filters, a node watcher only its node', async () => {
    const { source, cache } = await startCache();
    try {
      const ac = new AbortController();
      const n1 = new CollectingSink();
      const labelled = new CollectingSink();
      await cache.watch(makeFilter(podType, '', '', 'spec.nodeName=n1'), String(source.revision), { bookmarks: false, initialEventsEnd: false }, n1, ac.signal);
      await cache.watch(makeFilter(podType, 'a', 'app=web', ''), String(source.revision), { bookmarks: false, initialEventsEnd: false }, labelled, ac.signal);
      source.put(keyOf(pod('a', 'x')), pod('a', 'x', '', { app: 'web' }));
      source.put(keyOf(pod('a', 'x')), pod('a', 'x', 'n1', { app: 'web' }));
      source.put(keyOf(pod('a', 'y')), pod('a', 'y', 'n2'));
      source.put(keyOf(pod('a', 'x')), pod('a', 'x', 'n1', {}));
      source.delete(keyOf(pod('a', 'x')));
      await settled(source, cache);
      assert.deepEqual(n1.summary(), ['ADDED x', 'MODIFIED x', 'DELETED x']);
      assert.deepEqual(labelled.summary(), ['ADDED x', 'MODIFIED x', 'DELETED x']);
      ac.abort();
    } finally {
      await cache.stop();
    }
  });

  it('a watcher of unscheduled pods (spec.nodeName=, as the scheduler) sees them, and their binding as DELETED', async () => {
    const { source, cache } = await startCache();
    try {
      const ac = new AbortController();
      const pending = new CollectingSink();
      await cache.watch(makeFilter(podType, '', '', 'spec.nodeName='), String(source.revision), { bookmarks: false, initialEventsEnd: false }, pending, ac.signal);
      source.put(keyOf(pod('a', 'x')), pod('a', 'x'));
      source.put(keyOf(pod('a', 'y')), pod('a', 'y', 'n1'));
      source.put(keyOf(pod('a', 'x')), pod('a', 'x', 'n2'));
      await settled(source, cache);
      assert.deepEqual(pending.summary(), ['ADDED x', 'DELETED x']);
      ac.abort();
    } finally {
      await cache.stop();
    }
  });

  it('a broken store watch is resumed from where the cache was, without losing a change or closing clients', async () => {
    const { source, cache } = await startCache();
    try {
      const ac = new AbortController();
      const sink = new CollectingSink();
      await cache.watch(all, String(source.revision), { bookmarks: false, initialEventsEnd: false }, sink, ac.signal);
      source.put(keyOf(pod('a', 'p1')), pod('a', 'p1'));
      await settled(source, cache);
      source.breakWatches();
      source.put(keyOf(pod('a', 'p2')), pod('a', 'p2'));
      await settled(source, cache);
      assert.deepEqual(sink.summary(), ['ADDED p1', 'ADDED p2']);
      assert.equal(sink.ended, false);
      ac.abort();
    } finally {
      await cache.stop();
    }
  });

  it('compaction past the cache re-lists it and ends client watches (they resume, then re-list)', async () => {
    const { source, cache } = await startCache();
    try {
      const ac = new AbortController();
      const sink = new CollectingSink();
      await cache.watch(all, String(source.revision), { bookmarks: false, initialEventsEnd: false }, sink, ac.signal);
      source.hold();
      source.put(keyOf(pod('a', 'p1')), pod('a', 'p1'));
      source.compact(source.revision);
      source.breakWatches();
      source.release();
      await settled(source, cache);
      await cache.whenReady();
      assert.equal(sink.ended, true);
      assert.deepEqual(cache.list(all).items.map((o) => o.key), ['a/p1']);
      ac.abort();
    } finally {
      await cache.stop();
    }
  });

  it('a watch from a future resourceVersion waits for it, then fails "Too large resource version"', async () => {
    const { source, cache } = await startCache();
    try {
      const ac = new AbortController();
      const future = String(source.revision + 5n);
      const started = Date.now();
      await assert.rejects(cache.watch(all, future, { bookmarks: false, initialEventsEnd: false }, new CollectingSink(), ac.signal), (e) =>
        isApiError(e, 'UNAVAILABLE') && /Too large resource version/.test(e.message),
      );
      assert.ok(Date.now() - started >= 2900);
      ac.abort();
    } finally {
      await cache.stop();
    }
  });
});

describe('WatchCache freshness (consistent reads)', () => {
  it('reaches a revision written elsewhere through a progress notification', async () => {
    const { source, cache } = await startCache();
    try {
      source.put(keyOf(pod('a', 'p1')), pod('a', 'p1'));
      const elsewhere = source.writeElsewhere();
      assert.equal(await cache.waitUntilFresh(elsewhere, 2000), true);
      assert.equal(cache.revision, elsewhere);
      assert.deepEqual(cache.list(all).items.map((o) => o.key), ['a/p1']);
    } finally {
      await cache.stop();
    }
  });

  it('without ordered progress notifications (etcd < 3.4.25): no claim past its own changes, yet watches from such a revision work', async () => {
    const source = new FakeSource();
    source.orderedProgress = false;
    const { cache } = await startCache(100, source);
    try {
      const elsewhere = source.writeElsewhere();
      const started = Date.now();
      assert.equal(await cache.waitUntilFresh(elsewhere, 3000), false);
      assert.ok(Date.now() - started < 1000, 'gives up soon: the caller reads etcd');
      assert.equal(source.calls.progress, 0);
      const ac = new AbortController();
      const sink = new CollectingSink();
      await cache.watch(all, String(elsewhere), { bookmarks: false, initialEventsEnd: false }, sink, ac.signal);
      source.put(keyOf(pod('a', 'p1')), pod('a', 'p1'));
      await settled(source, cache);
      assert.deepEqual(sink.summary(), ['ADDED p1']);
      ac.abort();
    } finally {
      await cache.stop();
    }
  });

  it('does not claim a revision its lagging stream has not delivered', async () => {
    const { source, cache } = await startCache();
    try {
      source.hold();
      const rev = source.put(keyOf(pod('a', 'p1')), pod('a', 'p1'));
      assert.equal(await cache.waitUntilFresh(rev, 200), false);
      source.release();
      await tick();
      assert.equal(await cache.waitUntilFresh(rev, 2000), true);
      assert.ok(cache.get('a/p1'));
    } finally {
      await cache.stop();
    }
  });
});
