// The watch cache's source on etcd: pages of a prefix through the store, and one raw etcd watch per
// cache (raw, so the cache can ask for progress notifications, which the etcd3 client's watcher
// does not expose), on etcd-wire.ts's connection: each event is read straight into the cache's
// shape (watch-codec.ts) instead of through protobufjs's toObject.
//
// A requested progress notification tells the revision up to which etcd has sent every event of
// the stream. etcd before 3.4.25 / 3.5.8 may send it ahead of events still queued on the stream
// (etcd-io/etcd#15220, fixed by #15237): the cache does not use them there (progressIsOrdered).
// Elsewhere a progress revision is reported only once a second request has been answered too, and
// the cache checks the order it sees (watch-cache.ts), re-listing if an event ever arrives below a
// revision it was told about.
import type { Etcd3 } from 'etcd3';
import { prefixEnd } from '../etcd/keys.js';
import { etcdError, type EtcdStore } from '../etcd/store.js';
import type { EtcdWire, WireStream } from '../etcd/etcd-wire.js';
import { decodeWatchResponse, encodeWatchCreate, PROGRESS_REQUEST } from '../etcd/watch-codec.js';
import type { CacheSource, SourcePage, SourceWatch, SourceWatchHandlers } from './source.js';

const WATCH_PATH = '/etcdserverpb.Watch/Watch';

export class EtcdSource implements CacheSource {
  constructor(
    private readonly store: EtcdStore,
    private readonly etcd: Etcd3,
    /** The watch streams' connection (etcd-wire.ts: each event read straight into what the cache uses). */
    private readonly wire: EtcdWire,
  ) {}

  async range(prefix: string, opts: { start?: string; revision?: bigint; limit: number }): Promise<SourcePage> {
    const page = await this.store.range(prefix, {
      ...(opts.start ? { start: opts.start } : {}),
      ...(opts.revision !== undefined ? { revision: String(opts.revision) } : {}),
      limit: opts.limit,
    });
    return {
      kvs: page.kvs.map((kv) => ({ key: kv.key, value: kv.value, modRevision: BigInt(kv.modRevision) })),
      revision: BigInt(page.revision),
      more: page.more,
    };
  }

  private ordered?: Promise<boolean>;

  /** etcd-io/etcd#15237 made requested progress notifications ordered with events: 3.4.25, 3.5.8, 3.6. */
  progressIsOrdered(): Promise<boolean> {
    this.ordered ??= this.etcd.maintenance.status().then(
      (s) => progressOrderedIn(s.version),
      () => false,
    );
    return this.ordered;
  }

  async currentRevision(prefix: string, at?: bigint): Promise<bigint> {
    // One key (the prefix itself, never an object), counted only: the header carries the revision.
    try {
      const res = await this.etcd.kv.range({ key: Buffer.from(prefix), count_only: true, ...(at !== undefined ? { revision: String(at) } : {}) });
      return BigInt(String(res.header.revision));
    } catch (e) {
      throw etcdError(e);
    }
  }

  async watch(prefix: string, after: bigint, h: SourceWatchHandlers): Promise<SourceWatch> {
    let closed = false;
    let watchId: string | undefined;
    /** A progress revision waiting for the confirming second answer. */
    let candidate: bigint | undefined;
    let asking = false;
    let askedAt = 0;
    let stream: WireStream | undefined;
    const stop = (): void => {
      closed = true;
      stream?.cancel();
    };
    const fail = (err: Error): void => {
      if (closed) return;
      stop();
      h.onError(err);
    };
    const ask = (): void => {
      // One request at a time; one unanswered for 5 s is given up (its answer may never come).
      if (closed || (asking && Date.now() - askedAt < 5000)) return;
      if (asking) candidate = undefined;
      asking = true;
      askedAt = Date.now();
      stream?.write(PROGRESS_REQUEST);
    };
    const onMessage = (bytes: Buffer): void => {
      if (closed) return;
      let res;
      try {
        res = decodeWatchResponse(bytes);
      } catch (e) {
        fail(new Error(`etcd sent a malformed watch response: ${(e as Error).message}`));
        return;
      }
      if (res.compactRevision > 0n) {
        stop();
        h.onCompacted(res.compactRevision);
        return;
      }
      if (res.canceled) {
        fail(new Error(res.cancelReason || 'etcd canceled the watch'));
        return;
      }
      if (res.created) {
        watchId = res.watchId;
        return;
      }
      if (res.events.length > 0) {
        h.onEvents(res.events);
        return;
      }
      // A progress notification: requested (watch id -1) or periodic (this watch's id).
      if (res.watchId !== '-1' && res.watchId !== watchId) return;
      if (!asking) {
        h.onProgress(res.revision);
        return;
      }
      asking = false;
      if (candidate === undefined) {
        candidate = res.revision;
        ask();
        return;
      }
      const confirmed = candidate;
      candidate = undefined;
      h.onProgress(confirmed);
    };
    try {
      stream = await this.wire.openStream(WATCH_PATH, {
        onMessage,
        onEnd: (err) => fail(err ? etcdError(err) : new Error('etcd ended the watch stream')),
      });
    } catch (e) {
      throw etcdError(e);
    }
    stream.write(encodeWatchCreate({ key: Buffer.from(prefix), rangeEnd: prefixEnd(prefix), startRevision: after + 1n }));
    return { requestProgress: ask, close: stop };
  }
}

/** Whether etcd `version` ("3.4.23") sends requested progress notifications in order with events. */
export function progressOrderedIn(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map((x) => parseInt(x, 10) || 0);
  if (major !== 3) return major > 3;
  if (minor === 4) return patch >= 25;
  if (minor === 5) return patch >= 8;
  return minor > 5;
}
