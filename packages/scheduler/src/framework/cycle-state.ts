// Per-cycle scratch state, keyed by plugin name (Kubernetes' CycleState): PreFilter computes, Filter
// and Score read. One CycleState per pod per scheduling cycle; preemption clones it to try removals.

/** State a plugin keeps for one cycle; clone() is used by preemption, which edits a copy. */
import type { FilterPlugin } from './interface.js';

export interface StateData {
  clone(): StateData;
}

export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run in this cycle. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not run in this cycle. */
  readonly skipScorePlugins = new Set<string>();
  /** Set by the Framework after PreFilter: the Filter plugins this cycle runs (the hot loop reads it). */
  filterPlugins: readonly FilterPlugin[] | undefined;
  /** Set by the Scheduler before Bind: annotations the binder writes with the binding (the placement explanation). */
  bindingAnnotations: Record<string, string> | undefined;

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    c.filterPlugins = this.filterPlugins;
    c.bindingAnnotations = this.bindingAnnotations;
    return c;
  }
}
