// One informer per (resource, namespace, selectors) per process, shared by every component part
// that needs it: one list+watch, one cache.
import { lookupResource } from '@skiff/api';
import type { KObject } from '@skiff/api';
import type { Clock } from '../clock.js';
import type { Client } from '../client/types.js';
import { type Logger, discardLogger } from '../log.js';
import { SharedInformer } from './shared-informer.js';

export interface InformerFactoryOptions {
  client: Client;
  /** Default resync period of the informers (0: none). */
  resyncMs?: number;
  pageSize?: number;
  clock?: Clock;
  log?: Logger;
}

export interface InformerScope {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedInformer>();
  private readonly runs = new Map<SharedInformer, Promise<void>>();
  private readonly log: Logger;
  private signal: AbortSignal | undefined;

  constructor(private readonly opts: InformerFactoryOptions) {
    this.log = opts.log ?? discardLogger();
  }

  /** The shared informer for this resource and scope; started at once if the factory was started. */
  informerFor<T extends KObject = KObject>(resource: string, scope: InformerScope = {}): SharedInformer<T> {
    const canonical = lookupResource(resource)?.resource ?? resource;
    const key = JSON.stringify([canonical, scope.namespace ?? '', scope.labelSelector ?? '', scope.fieldSelector ?? '']);
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new SharedInformer({
        client: this.opts.client,
        resource: canonical,
        ...scope,
        resyncMs: this.opts.resyncMs,
        pageSize: this.opts.pageSize,
        clock: this.opts.clock,
        log: this.log,
      });
      this.informers.set(key, inf);
      if (this.signal) this.startOne(inf, this.signal);
    }
    return inf as unknown as SharedInformer<T>;
  }

  /** Runs every informer (and the ones asked for later) until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const inf of this.informers.values()) this.startOne(inf, signal);
  }

  /** Resolves true when every informer has synced, false if `signal` aborts first. */
  async waitForCacheSync(signal: AbortSignal): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves once every started informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.runs.values());
  }

  private startOne(inf: SharedInformer, signal: AbortSignal): void {
    if (this.runs.has(inf)) return;
    this.runs.set(
      inf,
      inf.run(signal).catch((e: unknown) => {
        this.log.error('informer stopped with an error', { informer: inf.resource, err: e });
      }),
    );
  }
}
