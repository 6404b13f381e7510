// One change seen by a watch cache, with its encodings computed lazily and at most once, whatever
// the number of watchers that receive it.
import type { KObject } from '@skiff/api';
import { encodeObject, encodeWatchEvent } from '@skiff/machinery';
import type { CachedObject } from './cached-object.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export class CacheEvent {
  private encodedGone?: Buffer;
  private byType?: Map<EventType, Buffer>;

  constructor(
    readonly type: EventType,
    readonly revision: bigint,
    /** The object after the change; for DELETED, its last state with resourceVersion = revision. */
    readonly object: CachedObject,
    /** The object before the change (MODIFIED, DELETED). */
    readonly prev: CachedObject | undefined,
    /** `object` decoded already, while the event is dispatched (saves parsing it again). */
    private decoded?: KObject,
  ) {}

  get key(): string {
    return this.object.key;
  }

  /** Drops the decoded object once the event is dispatched: the window keeps only the compact form. */
  release(): void {
    this.decoded = undefined;
  }

  /** The WatchEvent bytes as a watcher should see this change (its filter may turn it into ADDED/DELETED). */
  encoded(as: EventType): Buffer {
    this.byType ??= new Map();
    let b = this.byType.get(as);
    if (!b) {
      b = encodeWatchEvent(as, as === 'DELETED' ? this.goneBytes() : this.newBytes());
      this.byType.set(as, b);
    }
    return b;
  }

  private newBytes(): Buffer {
    return this.object.encoded(this.decoded);
  }

  /** The object a DELETED event carries: for a real delete the object itself, for "stopped
   * matching" the previous state stamped with this revision (as Kubernetes' cacher does). */
  private goneBytes(): Buffer {
    if (this.type === 'DELETED') return this.newBytes();
    this.encodedGone ??= encodeObject(this.prev!.atRevision(String(this.revision)).decode());
    return this.encodedGone;
  }
}
