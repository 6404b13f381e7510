// What a watch cache reads from its store: pages of a key prefix at a revision, a watch of the prefix
// from a revision, and the store's current revision. etcd-source.ts serves it from etcd; the fake
// beside it (fake-source.ts) serves it from memory, for unit tests.

/** One key of the prefix as read by a list. */
export interface SourceKv {
  key: string;
  value: Buffer;
  /** The key's mod revision (the object's resourceVersion). */
  modRevision: bigint;
}

export interface SourcePage {
  kvs: SourceKv[];
  /** The store revision the page was read at. */
  revision: bigint;
  more: boolean;
}

/** One change of the prefix, in revision order. */
export interface SourceEvent {
  type: 'put' | 'delete';
  key: string;
  /** The new value (puts). */
  value: Buffer;
  revision: bigint;
}

export interface SourceWatchHandlers {
  /** The changes of one store response, in revision order. */
  onEvents(events: SourceEvent[]): void;
  /** Every change up to `revision` has been delivered (an etcd progress notification). */
  onProgress(revision: bigint): void;
  /** The revision to resume from was compacted: re-list. */
  onCompacted(compactRevision: bigint): void;
  /** The watch broke (connection lost, canceled): resume from the last revision seen. */
  onError(err: Error): void;
}

export interface SourceWatch {
  /** Asks the store to report, through onProgress, a revision up to which everything was delivered. */
  requestProgress(): void;
  close(): void;
}

export interface CacheSource {
  /** Keys of `prefix` from `start` (inclusive), at `revision` (the latest when undefined). */
  range(prefix: string, opts: { start?: string; revision?: bigint; limit: number }): Promise<SourcePage>;
  /** Every change of `prefix` after `after`, then the live ones. */
  watch(prefix: string, after: bigint, handlers: SourceWatchHandlers): Promise<SourceWatch>;
  /** Whether requested progress notifications come in order with the events (etcd >= 3.4.25, 3.5.8). */
  progressIsOrdered(): Promise<boolean>;
  /** The store's current revision, read cheaply (one key, nothing decoded). With `at`, fails with
   * OUT_OF_RANGE (Expired) if the store has compacted that revision. */
  currentRevision(prefix: string, at?: bigint): Promise<bigint>;
}
