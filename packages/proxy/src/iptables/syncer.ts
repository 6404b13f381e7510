// Writes each sync into the kernel: a full sync (the first, after a failure, or when asked: the
// proxier asks when its canary monitor finds the canary chain gone) reads the tables once to find stale chains and missing jumps; a partial
// sync writes only what the planner says changed. A failed restore forgets what was written, so
// the next sync is full. A sync of one restore streams its payload into it; split syncs are pipelined: the next restore's payload is prepared (made and
// written to its file) while the one before is applied; the syncer applies them in order, one at a
// time, each after the one before succeeded.
import type { EndpointsMap, ServicePortMap } from '../tracker/change-tracker.js';
import { CANARY_CHAIN } from './chain-names.js';
import { CANARY_TABLES, JUMPS, type Jump } from './fixed-rules.js';
import type { Iptables, PreparedRestore } from './iptables.js';
import { splitRule } from './rule-line.js';
import { RulesPlanner, type PlannedSync, type PlannerConfig, type SyncPlan, type SyncTimeline } from './rules-planner.js';
import { parseSavedTables, type SavedChain } from './saved-tables.js';

export interface SyncInput {
  services: ServicePortMap;
  endpoints: EndpointsMap;
  /** Services ("ns/name") changed since the last sync; undefined asks for a full sync. */
  changed?: ReadonlySet<string>;
  /** --nodeport-addresses: the local addresses that accept node ports; undefined: all of them. */
  nodePortIPs?: readonly string[];
}

function jumpsTo(rules: readonly string[], chain: string): boolean {
  return rules.some((r) => {
    const a = splitRule(r);
    return a[a.indexOf('-j') + 1] === chain;
  });
}

export class IptablesSyncer {
  private readonly planner: RulesPlanner;

  constructor(
    private readonly iptables: Iptables,
    cfg: PlannerConfig = {},
  ) {
    const chunked = iptables.backend === 'nft' ? { maxChainsPerRestore: 4096 } : {};
    this.planner = new RulesPlanner({ ...chunked, ...cfg });
  }

  /**
   * True when the canary chain is gone: someone flushed or deleted our tables (the proxier's canary
   * monitor asks, never a sync). As kube-proxy's monitor, only the first (mangle) table's is checked: it is small, so the check stays cheap when
   * nat holds 10,000 services (the legacy backend reads a whole table to list one chain).
   */
  async canaryMissing(): Promise<boolean> {
    return !(await this.iptables.chainExists(CANARY_TABLES[0] ?? 'mangle', CANARY_CHAIN));
  }

  async sync(input: SyncInput): Promise<SyncPlan> {
    const full = input.changed === undefined || this.planner.needsFullSync();
    const clock = new StageClock();
    try {
      const plan = full ? await this.planFull(input, clock) : clock.timeSync('plan', () => this.planner.plan(input));
      await this.restoreAll(plan, clock);
      this.planner.commit();
      return { ...plan.summary(), timeline: clock.done() };
    } catch (e) {
      this.planner.reset();
      throw e;
    }
  }

  /**
   * The plan's restores in order, one at a time. One restore alone is streamed (`restore 1`: its
   * text goes to iptables-restore as it is made, so the restore parses meanwhile). Of several, each
   * is applied only after the one before it succeeded, and the next payload is prepared (its text
   * made and written out) while the one before is applied. A failure stops the rest (a prepared one
   * is discarded) and is thrown.
   */
  private async restoreAll(plan: PlannedSync, clock: StageClock): Promise<void> {
    const payloads = plan.payloads();
    let n = 1;
    let next = payloads.next();
    if (next.done) return;
    const first = next.value;
    // Taking the second restore makes none of its text (nor of the first's).
    next = payloads.next();
    if (next.done) {
      await clock.time('restore 1', this.iptables.restore(first));
      return;
    }
    let ready = await clock.time(`prepare ${n}`, this.iptables.prepare(first));
    let second: typeof next | undefined = next;
    for (;;) {
      const applying = clock.time(`apply ${n}`, ready.apply());
      n++;
      let preparing: Promise<PreparedRestore | undefined>;
      try {
        // The generator makes the first rules of the payload here, synchronously: part of `prepare`.
        const start = clock.now();
        next = second ?? payloads.next();
        second = undefined;
        preparing = next.done ? Promise.resolve(undefined) : clock.time(`prepare ${n}`, this.iptables.prepare(next.value), start);
      } catch (e) {
        preparing = Promise.reject(e as Error);
      }
      const [applied, prepared] = await Promise.allSettled([applying, preparing]);
      if (applied.status === 'rejected') {
        if (prepared.status === 'fulfilled') await prepared.value?.discard();
        throw applied.reason;
      }
      if (prepared.status === 'rejected') throw prepared.reason;
      if (!prepared.value) return;
      ready = prepared.value;
    }
  }

  /** A full plan: the service chains are planned while iptables-save reads the tables. */
  private planFull(input: SyncInput, clock: StageClock): Promise<PlannedSync> {
    const nodePortIPs = input.nodePortIPs ? { nodePortIPs: input.nodePortIPs } : {};
    // Both from now: the save's process is started, then the service chains are planned (blocking
    // the event loop, so the save's end is seen only after that), then the rest with its result.
    const start = clock.now();
    const saved = clock.time('save', this.readTables(), start);
    const rewriteStart = clock.now();
    const planned = this.planner.planFull({ services: input.services, endpoints: input.endpoints, ...nodePortIPs }, saved);
    clock.mark('rewrite', rewriteStart); // planFull's synchronous part: the service ports' layouts and dispatch lines
    return clock.time('plan', planned, start);
  }

  /**
   * nat's chains, and the jumps missing from the built-in chains (only their rules are kept), from
   * one iptables-save of every table: one process started instead of one per table (a spawn blocks
   * the event loop for tens of milliseconds on a loaded node, in the first sync's path).
   */
  private async readTables(): Promise<{ existingNatChains: Iterable<string>; missingJumps: Jump[] }> {
    const hooks = new Set(JUMPS.map((j) => j.hook));
    const tables = parseSavedTables(await this.iptables.save(), hooks);
    const nat = tables.get('nat') ?? new Map<string, SavedChain>();
    const filter = tables.get('filter') ?? new Map<string, SavedChain>();
    const saved = { nat, filter, mangle: new Map<string, SavedChain>() };
    const missingJumps: Jump[] = JUMPS.filter((j) => !jumpsTo(saved[j.table].get(j.hook)?.rules ?? [], j.chain));
    return { existingNatChains: nat.keys(), missingJumps };
  }
}

/** Times a sync's stages (wall clock from the sync's start) and the process's CPU over the sync. */
class StageClock {
  private readonly start = performance.now();
  private readonly cpu = process.cpuUsage();
  private readonly stages: [string, number, number][] = [];

  now(): number {
    return performance.now() - this.start;
  }

  /** Records the stage from `start` (default now) until the promise settles. */
  time<T>(stage: string, p: Promise<T>, start = this.now()): Promise<T> {
    const end = (): void => void this.stages.push([stage, Math.round(start), Math.round(this.now())]);
    return p.finally(end);
  }

  /** Records a stage from `start` until now. */
  mark(stage: string, start: number): void {
    this.stages.push([stage, Math.round(start), Math.round(this.now())]);
  }

  timeSync<T>(stage: string, fn: () => T): T {
    const start = this.now();
    try {
      return fn();
    } finally {
      this.stages.push([stage, Math.round(start), Math.round(this.now())]);
    }
  }

  done(): SyncTimeline {
    const cpu = process.cpuUsage(this.cpu);
    return { stages: this.stages.sort((a, b) => a[1] - b[1]), totalMs: Math.round(this.now()), cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  }
}
