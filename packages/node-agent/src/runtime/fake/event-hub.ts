// Fan-out of the fake runtime's events to every `events(signal)` iterator, each with its own
// unbounded queue (a slow reader loses nothing), ending when its signal aborts.
import type { RuntimeEvent } from '../runtime.js';

interface Subscriber {
  queue: RuntimeEvent[];
  wake?: () => void;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();

  publish(ev: RuntimeEvent): void {
    for (const s of this.subscribers) {
      s.queue.push(ev);
      s.wake?.();
    }
  }

  get listeners(): number {
    return this.subscribers.size;
  }

  async *subscribe(signal: AbortSignal): AsyncGenerator<RuntimeEvent> {
    if (signal.aborted) return;
    const sub: Subscriber = { queue: [] };
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
