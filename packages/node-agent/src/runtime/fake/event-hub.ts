// Fan-out of the fake runtime's events to every `events(signal)` iterator, each with its own
// unbounded queue (a slow reader loses nothing), ending when its signal aborts; the last events are
// kept so a subscriber can ask for those since a time first, as from Docker.
import type { RuntimeEvent } from '../runtime.js';

interface Subscriber {
  queue: RuntimeEvent[];
  wake?: () => void;
}

/** how many past events are kept for subscribers asking for those since a time */
const HISTORY = 1000;

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly history: RuntimeEvent[] = [];

  publish(ev: RuntimeEvent): void {
    this.history.push(ev);
    if (this.history.length > HISTORY) this.history.shift();
    for (const s of this.subscribers) {
      s.queue.push(ev);
      s.wake?.();
    }
  }

  get listeners(): number {
    return this.subscribers.size;
  }

  async *subscribe(signal: AbortSignal, sinceMs?: number): AsyncGenerator<RuntimeEvent> {
    if (signal.aborted) return;
    // whole seconds, like Docker's `since`
    const since = sinceMs === undefined ? undefined : Math.floor(sinceMs / 1000) * 1000;
    const sub: Subscriber = { queue: since === undefined ? [] : this.history.filter((e) => e.timeMs >= since) };
    const onAbort = () => sub.wake?.();
    this.subscribers.add(sub);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        while (sub.queue.length > 0 && !signal.aborted) yield sub.queue.shift() as RuntimeEvent;
        if (signal.aborted) return;
        await new Promise<void>((resolve) => (sub.wake = resolve));
        sub.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.subscribers.delete(sub);
    }
  }
}
