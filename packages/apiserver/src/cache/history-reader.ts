// Serves a watch that resumes from before the watch cache's window (after an apiserver restart, or a
// long disconnect) from etcd's own history: a dedicated etcd watch from the requested revision, until
// every event up to a revision the cache holds has been delivered. etcd delivers one watch's events
// in revision order, so the proof is a marker: the watch's range also covers one key just past the
// resource's prefix (<prefix minus "/">0, never an object key); the reader writes it once the watch
// exists, and when the marker's own event arrives, every earlier change of the prefix has arrived
// before it. (etcd 3.4 answers progress requests before an unsynced watch has caught up, so they
// cannot serve as that proof.) Compacted history ends the watch with OUT_OF_RANGE (re-list).
import type { Etcd3 } from 'etcd3';
import { type IWatchResponse, type IDuplexStream, type IWatchRequest } from 'etcd3/lib/rpc.js';
import { expired } from '@skiff/api';
import { encodeWatchResponse } from '@skiff/machinery';
import { prefixEnd } from '../etcd/keys.js';
import { etcdError } from '../etcd/store.js';
import { CacheEvent, type EventType } from './cache-event.js';
import type { CachedObject } from './cached-object.js';
import type { WatchSink } from './watcher.js';

export interface HistoryRequest {
  etcd: Etcd3;
  prefix: string;
  /** Deliver every change after this revision, up to the marker's. */
  after: bigint;
  filterView(e: CacheEvent): EventType | undefined;
  /** An object's stored value (etcd key, value, revision) as the cache holds it. */
  toCached(key: string, value: Buffer, revision: string): CachedObject;
  sink: WatchSink;
  signal: AbortSignal;
}


/** Resolves with the revision up to which every change has been delivered. */
export async function readHistory(req: HistoryRequest): Promise<bigint> {
  let stream: IDuplexStream<IWatchRequest, IWatchResponse>;
  try {
    stream = await req.etcd.watchClient.watch();
  } catch (e) {
    throw etcdError(e);
  }
  return new Promise<bigint>((resolve, reject) => {
    let delivered = req.after;
    let done = false;
    const marker = markerKey(req.prefix);
    let markerPut: bigint | undefined;
    let markerSeen = -1n;
    const maybeDone = (): void => {
      if (markerPut !== undefined && markerSeen >= markerPut) finish(undefined, markerSeen);
    };
    const finish = (err: unknown, rev?: bigint): void => {
      if (done) return;
      done = true;
      req.signal.removeEventListener('abort', onAbort);
      try {
        stream.cancel();
      } catch {}
      if (err) reject(err);
      else resolve(rev!);
    };
    const onAbort = (): void => finish(undefined, delivered);
    req.signal.addEventListener('abort', onAbort, { once: true });

    stream.on('error', (e: unknown) => finish(etcdError(e)));
    stream.on('data', (res: IWatchResponse) => {
      if (res.compact_revision && BigInt(String(res.compact_revision)) > 0n) {
        finish(expired(`too old resource version: ${req.after} (the oldest available is ${String(res.compact_revision)})`));
        return;
      }
      if (res.canceled) {
        finish(etcdError(new Error(res.cancel_reason || 'etcd canceled the history watch')));
        return;
      }
      if (res.created) {
        req.etcd
          .put(marker)
          .value(String(Date.now()))
          .exec()
          .then((r) => {
            markerPut = BigInt(String(r.header.revision));
            maybeDone();
          })
          .catch((e: unknown) => finish(etcdError(e)));
        return;
      }
      if (res.events.length === 0) return;
      let group: CacheEvent[] = [];
      let groupRev = -1n;
      const flush = (): void => {
        if (group.length === 0) return;
        const out: Buffer[] = [];
        for (const e of group) {
          const as = req.filterView(e);
          if (as) out.push(e.encoded(as));
        }
        if (out.length > 0) req.sink.write(encodeWatchResponse(String(groupRev), out));
        delivered = groupRev;
        group = [];
      };
      for (const ev of res.events) {
        const rev = BigInt(String(ev.kv.mod_revision));
        if (ev.kv.key.toString() === marker) {
          flush();
          markerSeen = rev;
          continue;
        }
        if (rev !== groupRev) flush();
        groupRev = rev;
        const key = ev.kv.key.toString();
        const prev = ev.prev_kv && ev.prev_kv.value.length > 0 ? req.toCached(key, ev.prev_kv.value, String(ev.prev_kv.mod_revision)) : undefined;
        if (String(ev.type) === 'Delete' || String(ev.type) === '1') {
          if (!prev) continue;
          group.push(new CacheEvent('DELETED', rev, prev.atRevision(String(rev)), prev));
        } else {
          group.push(new CacheEvent(prev ? 'MODIFIED' : 'ADDED', rev, req.toCached(key, ev.kv.value, String(rev)), prev));
        }
      }
      flush();
      maybeDone();
    });
    stream.write({
      create_request: {
        key: Buffer.from(req.prefix),
        range_end: Buffer.concat([Buffer.from(marker), Buffer.from([0])]),
        start_revision: String(req.after + 1n),
        prev_kv: true,
      },
    });
  });
}

/** The marker key of a prefix: "/registry/pods/" -> "/registry/pods0", the first key past it. */
export function markerKey(prefix: string): string {
  return prefixEnd(prefix).toString();
}
