// The rolling-update bounds counted on the pods themselves, not on the Deployment's status (which
// lags them): a watch on the selected pods keeps how many are active (not terminating, not
// terminal) and how many of those are ready after every revision it sees, and the most active and
// fewest ready pods seen while `track` is on. The watch delivers every revision in order, so these
// are the exact extremes, not samples. Part of the benchmark.
import type { Pod } from '@skiff/api';
import type { Client } from '@skiff/machinery';

interface Counted {
  active: boolean;
  ready: boolean;
}

const isActive = (p: Pod): boolean => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
const isReady = (p: Pod): boolean => isActive(p) && !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

export class PodBounds {
  private readonly pods = new Map<string, Counted>();
  private active = 0;
  private ready = 0;
  private tracking = false;
  maxActive = 0;
  minReady = Infinity;
  /** Set when the watch broke (the extremes then miss what happened until it was listed again). */
  broken = false;
  private readonly ac = new AbortController();
  private readonly loop: Promise<void>;

  private constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly labelSelector: string,
    resourceVersion: string,
    items: Pod[],
  ) {
    for (const p of items) this.set(p);
    this.loop = this.follow(resourceVersion);
  }

  static async start(client: Client, namespace: string, labelSelector: string): Promise<PodBounds> {
    const list = await client.list<Pod>('pods', { namespace, labelSelector });
    return new PodBounds(client, namespace, labelSelector, list.resourceVersion, list.items);
  }

  /** Starts keeping the extremes (from the current counts on). */
  track(): void {
    this.tracking = true;
    this.maxActive = this.active;
    this.minReady = this.ready;
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.loop;
  }

  private async follow(resourceVersion: string): Promise<void> {
    try {
      for await (const batch of this.client.watch<Pod>('pods', { namespace: this.namespace, labelSelector: this.labelSelector, resourceVersion }, this.ac.signal)) {
        for (const ev of batch.events) {
          if (!ev.object) continue;
          if (ev.type === 'DELETED') this.remove(ev.object.metadata.uid!);
          else this.set(ev.object);
        }
        if (this.tracking) {
          this.maxActive = Math.max(this.maxActive, this.active);
          this.minReady = Math.min(this.minReady, this.ready);
        }
      }
      if (!this.ac.signal.aborted) this.broken = true;
    } catch {
      this.broken = true;
    }
  }

  private set(p: Pod): void {
    this.remove(p.metadata.uid!);
    const c = { active: isActive(p), ready: isReady(p) };
    this.pods.set(p.metadata.uid!, c);
    this.active += c.active ? 1 : 0;
    this.ready += c.ready ? 1 : 0;
  }

  private remove(uid: string): void {
    const c = this.pods.get(uid);
    if (!c) return;
    this.pods.delete(uid);
    this.active -= c.active ? 1 : 0;
    this.ready -= c.ready ? 1 : 0;
  }
}
