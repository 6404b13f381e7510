// Collects watch events for assertions.
import type { Client, WatchBatch, WatchOptions } from '@skiff/machinery';

export interface Seen {
  type: string;
  name: string;
  rv: string;
}

export class Recorder {
  readonly seen: Seen[] = [];
  lastRV = '';
  error?: unknown;
  private readonly ac = new AbortController();
  readonly done: Promise<void>;

  constructor(client: Client, resource: string, opts: WatchOptions) {
    this.done = (async () => {
      try {
        for await (const b of client.watch(resource, opts, this.ac.signal) as AsyncIterable<WatchBatch>) {
          for (const e of b.events) {
            if (e.type === 'BOOKMARK') continue;
            this.seen.push({ type: e.type, name: e.object!.metadata.name!, rv: e.object!.metadata.resourceVersion! });
          }
          if (b.resourceVersion) this.lastRV = b.resourceVersion;
        }
      } catch (e) {
        this.error = e;
      }
    })();
  }

  async waitFor(n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.seen.length < n) {
      if (Date.now() > deadline) throw new Error(`saw ${this.seen.length} events, wanted ${n}: ${JSON.stringify(this.seen)}`);
      if (this.error) throw this.error;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.done;
  }
}
