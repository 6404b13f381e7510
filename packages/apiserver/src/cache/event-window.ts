// The watch cache's window of recent changes: a ring of at most `capacity` events, oldest first (as
// Kubernetes' watchCache keeps its cyclic buffer). Once full, each new event takes the slot of the
// oldest one: the window never copies or reallocates its array, and an event leaves it (and becomes
// garbage) the moment it is overwritten. A window that trimmed by copying its array instead made a
// new array of `capacity` slots every few thousand events and kept every event until the next trim;
// under a steady stream of changes both lived long enough to be promoted to the old generation.
import type { CacheEvent } from './cache-event.js';

export class EventWindow {
  /** Grows by push until it holds `capacity` slots; a ring from then on. */
  private slots: CacheEvent[] = [];
  /** The slot of the oldest event (0 until the ring is full). */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error(`the watch cache window needs a capacity of at least 1, not ${capacity}`);
  }

  get length(): number {
    return this.count;
  }

  /** The i-th event, oldest first (0 <= i < length). */
  at(i: number): CacheEvent {
    const j = this.head + i;
    return this.slots[j < this.capacity ? j : j - this.capacity]!;
  }

  /** Appends `e`; returns the event it evicted (the oldest) when the window was full. */
  push(e: CacheEvent): CacheEvent | undefined {
    if (this.count < this.capacity) {
      this.slots.push(e);
      this.count++;
      return undefined;
    }
    const evicted = this.slots[this.head]!;
    this.slots[this.head] = e;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    return evicted;
  }

  /** Empties the window (after a re-list). */
  clear(): void {
    this.slots = [];
    this.head = 0;
    this.count = 0;
  }
}
