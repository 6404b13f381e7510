// Shared by the watch cache's unit tests: a cache of pods over a FakeSource, pods, and a watch sink
// that decodes what it is sent.
import { resourceByKind, type KObject } from '@skiff/api';
import { codecFor, discardLogger } from '@skiff/machinery';
import { FakeSource } from './fake-source.js';
import { WatchCache } from './watch-cache.js';
import type { WatchSink } from './watcher.js';

export const PREFIX = '/registry/pods/';
export const podType = resourceByKind('Pod')!;

export function pod(ns: string, name: string, node = '', labels: Record<string, string> = {}, phase = 'Pending'): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, uid: `${ns}-${name}` },
    spec: { ...(node ? { nodeName: node } : {}), containers: [{ name: 'c', image: 'busybox' }] },
    status: { phase },
  } as KObject;
}

export function keyOf(p: KObject): string {
  return `${PREFIX}${p.metadata.namespace}/${p.metadata.name}`;
}

export async function startCache(capacity = 100, source = new FakeSource()): Promise<{ source: FakeSource; cache: WatchCache }> {
  const cache = new WatchCache(podType, PREFIX, source, { capacity, bookmarkIntervalMs: 60_000, log: discardLogger() });
  await cache.start();
  return { source, cache };
}

/** Resolves once the cache has applied everything the source holds. */
export async function settled(source: FakeSource, cache: WatchCache): Promise<void> {
  if (!(await cache.waitFor(source.revision, 2000)) && !(await cache.waitUntilFresh(source.revision, 2000))) {
    throw new Error(`cache stuck at ${cache.revision}, source at ${source.revision}`);
  }
}

export interface SeenEvent {
  type: string;
  name: string;
  rv: string;
}

export class CollectingSink implements WatchSink {
  readonly events: SeenEvent[] = [];
  ended = false;

  write(bytes: Buffer): number {
    const res = codecFor<{ resourceVersion?: string; events?: { type: string; object?: KObject }[] }>('skiff.v1.WatchResponse').decode(bytes);
    for (const e of res.events ?? []) {
      if (e.type === 'BOOKMARK') continue;
      this.events.push({ type: e.type, name: e.object!.metadata.name!, rv: e.object!.metadata.resourceVersion! });
    }
    return 0;
  }

  end(): void {
    this.ended = true;
  }

  summary(): string[] {
    return this.events.map((e) => `${e.type} ${e.name}`);
  }
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** A fixed pseudo-random sequence (LCG) in [0, 1), so a failing case replays. */
export function sequence(seed: number): () => number {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}
