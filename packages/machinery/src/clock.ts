// Time, injectable: components use the real clock, tests a FakeClock they advance by hand so that
// nothing sleeps for real.

/** An opaque timer handle, as returned by Clock.setTimeout. */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

class RealClock implements Clock {
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextId = 1;

  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const t = setTimeout(() => {
      this.timers.delete(id);
      fn();
    }, Math.max(0, ms));
    this.timers.set(id, t);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const t = this.timers.get(handle.id);
    if (t !== undefined) {
      clearTimeout(t);
      this.timers.delete(handle.id);
    }
  }
}

export const realClock: Clock = new RealClock();

/**
 * Resolves after `ms` on `clock`, or as soon as `signal` aborts. Never rejects: resolves true when
 * the full time elapsed, false when aborted. The timer is cleared on abort.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      resolve(false);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface FakeTimer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

/** Yields to the event loop once: every promise continuation already queued runs first. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that moves only when told. Timers fire in order of due time (then creation order), with
 * `now()` set to their due time while they run.
 */
export class FakeClock implements Clock {
  private current: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  private seq = 0;

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t: FakeTimer = { id: this.nextId++, due: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(t);
    return { id: t.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle.id);
  }

  /** Number of timers waiting to fire. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms` synchronously, firing due timers (including ones they schedule). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let t = this.popDue(target); t; t = this.popDue(target)) {
      this.current = Math.max(this.current, t.due);
      t.fn();
    }
    this.current = target;
  }

  /**
   * Like advance, for async code: lets pending promise continuations run before and after each
   * timer fires, so work a timer starts can schedule the next timer within the same tick.
   */
  async tick(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushMicrotasks();
    for (let t = this.popDue(target); t; t = this.popDue(target)) {
      this.current = Math.max(this.current, t.due);
      t.fn();
      await flushMicrotasks();
    }
    this.current = target;
    await flushMicrotasks();
  }

  private popDue(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.due > target) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    if (best) this.timers = this.timers.filter((t) => t !== best);
    return best;
  }
}
