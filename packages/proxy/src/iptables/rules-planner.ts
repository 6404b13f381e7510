// Plans each sync's iptables-restore payloads from the service and endpoints maps. A full sync
// writes every chain; a partial sync (kube-proxy's since 1.26) rewrites only the chains of the
// services that changed, a dispatch chain only when its text changed (so an endpoints-only change
// that keeps a service reachable leaves SKIFF-SERVICES alone), and deletes the chains no longer in
// use. The planner remembers what the last successful sync wrote: call commit() after the restore
// succeeded; after a failure, plan a full sync. A plan holds the dispatch lines and chain names;
// the service chains' rules are made as the payloads are read (payload.ts), so a sync of 10,000
// services never holds all its rules at once. Above 1,000 endpoints the per-endpoint rules carry no
// comment (kube-proxy's large cluster mode); a sync that crosses the threshold rewrites every chain.
import type { EndpointsMap, ServicePortMap } from '../tracker/change-tracker.js';
import { EXTERNAL_SERVICES_CHAIN, MARK_MASQ_CHAIN, NODEPORTS_CHAIN, SERVICES_CHAIN, isServiceChain } from './chain-names.js';
import { DEFAULT_MASQUERADE_BIT, fixedChains, jumpLine, nodePortsJumps, type Jump, type Table } from './fixed-rules.js';
import { emptyTable, payloadIsEmpty, renderPieces, type LazyChains, type TablePayload } from './payload.js';
import { appendRule, comment } from './rule-line.js';
import {
  LARGE_CLUSTER_ENDPOINTS_THRESHOLD,
  servicePortChainNames,
  servicePortChains,
  servicePortDispatch,
  servicePortLayout,
  type ProxyRulesConfig,
  type ServicePortLayout,
} from './service-rules.js';

export interface PlannerConfig extends ProxyRulesConfig {
  masqueradeBit?: number;
  /**
   * Most per-service chains one restore creates (nf_tables slows super-linearly beyond ~11k chains
   * in one restore); larger syncs write the service chains in several restores first and the
   * dispatch chains last. Unset: one restore.
   */
  maxChainsPerRestore?: number;
}

export interface SyncRequest {
  services: ServicePortMap;
  endpoints: EndpointsMap;
  /** Services ("ns/name") changed since the last successful sync; undefined: a full sync. */
  changed?: ReadonlySet<string>;
  /** Full sync: the nat chains that exist now (from iptables-save), so stale ones are deleted. */
  existingNatChains?: Iterable<string>;
  /** Full sync: jumps missing from the built-in chains, added in the last restore. */
  missingJumps?: readonly Jump[];
  /** --nodeport-addresses: the local addresses that accept node ports; undefined: all of them. */
  nodePortIPs?: readonly string[];
}

export interface SyncPlan {
  full: boolean;
  /** Payloads restored with `iptables-restore --noflush`, in order (one unless split). */
  restores: number;
  /** Chains written (declared) over all restores. */
  chainsWritten: number;
  /** Rules written over all restores. */
  rulesWritten: number;
  /** Stale chains deleted. */
  chainsDeleted: number;
  /** Rules in the proxy's nat and filter chains after this sync. */
  rulesTotal: number;
  /** Where the sync's time went (the syncer's stages), for logs and diagnosis. */
  timeline?: SyncTimeline;
}

/** A sync's stages, in ms from its start, and the proxy's own CPU time (not its children's) during it. */
export interface SyncTimeline {
  /** [stage, start, end]: `save` (iptables-save, from its start until its end is seen), `rewrite` (a full sync's service ports planned, synchronously, while the save runs), `plan` (all planning, with the saves' result), `prepare N` (restore N's text made and written), `apply N` (iptables-restore N); a sync of one restore: `restore 1` (its text made and streamed into iptables-restore, which parses it meanwhile). */
  stages: [string, number, number][];
  /** Wall time of the sync. */
  totalMs: number;
  /** CPU time of the proxy process (user + system) during the sync. */
  cpuMs: number;
}

/** A planned sync: its payloads, made as they are read, then what was written. */
export interface PlannedSync {
  readonly full: boolean;
  /**
   * The restores in order, each one's payload text in pieces, made piece by piece as it is read
   * (taking the next restore before reading the one before makes no text of either).
   */
  payloads(): Generator<Iterable<string>>;
  /** What the sync wrote (complete once payloads() has been read to the end). */
  summary(): SyncPlan;
}

/**
 * What a sync keeps of a service port's rules for the next partial sync: its dispatch lines and
 * the names of its chains, not their bodies (at 10,000 services the bodies are most of the memory).
 */
interface KeptRules {
  natServices: readonly string[];
  natNodePorts: readonly string[];
  filterServices: readonly string[];
  filterExternal: readonly string[];
  chainNames: readonly string[];
  /** Rules in the chains (counted when they are written). */
  chainRules: number;
  clusterIP: string;
  /** Its filter SKIFF-SERVICES line for the other ports of its cluster IP (one per cluster IP). */
  noSuchPort: string;
}

interface State {
  rules: Map<string, KeptRules>;
  /** The service port names, sorted (a partial sync with the same names reuses the order). */
  order: readonly string[];
  /** The dispatch chains' lines ("table chain" -> lines; the lines are the kept rules' own strings). */
  dispatch: Map<string, readonly string[]>;
  largeClusterMode: boolean;
}

/** A service port whose chains this sync rewrites. */
interface Rewrite {
  layout: ServicePortLayout;
  kept: KeptRules;
}

interface RewriteStep {
  /** The last sync's state; undefined: a full plan. */
  prev: State | undefined;
  rulesCfg: ProxyRulesConfig;
  rules: Map<string, KeptRules>;
  order: readonly string[];
  rewrites: Rewrite[];
  largeClusterMode: boolean;
}

export class RulesPlanner {
  private state: State | undefined;
  private pending: State | undefined;

  constructor(private readonly cfg: PlannerConfig = {}) {}

  /** True when no sync has succeeded yet (or the last one failed): the next plan is full. */
  needsFullSync(): boolean {
    return this.state === undefined;
  }

  /** Forgets what was written: the next plan is a full sync. */
  reset(): void {
    this.state = undefined;
    this.pending = undefined;
  }

  /** Records that the last planned sync is in the kernel. */
  commit(): void {
    if (this.pending) this.state = this.pending;
    this.pending = undefined;
  }

  plan(req: SyncRequest): PlannedSync {
    return this.finish(this.rewrite(req), req);
  }

  /**
   * A full plan whose tables' state (from iptables-save: stale chains, missing jumps) comes later:
   * the service chains are planned while the saves run, and the rest once they are read.
   */
  async planFull(req: Omit<SyncRequest, 'changed' | 'existingNatChains' | 'missingJumps'>, saved: Promise<Pick<SyncRequest, 'existingNatChains' | 'missingJumps'>>): Promise<PlannedSync> {
    let step: RewriteStep;
    try {
      step = this.rewrite(req);
    } catch (e) {
      await saved.catch(() => undefined); // the saves end first, their failure not left unhandled
      throw e;
    }
    const state = await saved;
    return this.finish(step, { ...req, ...state });
  }

  /** The service ports to (re)write: the heavy part of a plan (layouts, dispatch lines, chain names). */
  private rewrite(req: SyncRequest): RewriteStep {
    const prev = req.changed === undefined ? undefined : this.state;
    const full = prev === undefined;
    let endpointCount = 0;
    for (const name of req.services.keys()) endpointCount += req.endpoints.get(name)?.length ?? 0;
    const largeClusterMode = endpointCount > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
    const rewriteAll = full || prev.largeClusterMode !== largeClusterMode;
    const rulesCfg: ProxyRulesConfig = { ...this.cfg, largeClusterMode };

    const rules = new Map<string, KeptRules>();
    // The rewritten service ports, in service order.
    const rewrites: Rewrite[] = [];
    // Sorting 10,000 names is most of a partial plan's time: the last order serves while the names are the same.
    const order = prev && sameNames(prev.order, req.services) ? prev.order : [...req.services.keys()].sort();
    for (const name of order) {
      const svc = req.services.get(name);
      if (!svc) continue;
      const old = prev?.rules.get(name);
      if (old && !rewriteAll && !req.changed?.has(svc.service)) {
        rules.set(name, old);
        continue;
      }
      const layout = servicePortLayout(svc, req.endpoints.get(name) ?? [], this.cfg);
      const kept: KeptRules = {
        ...servicePortDispatch(layout),
        chainNames: servicePortChainNames(layout),
        chainRules: 0,
        clusterIP: svc.clusterIP,
        noSuchPort: appendRule(SERVICES_CHAIN, ...comment(`${svc.service} has no such port`), '-d', svc.clusterIP, '-j', 'REJECT'),
      };
      rules.set(name, kept);
      rewrites.push({ layout, kept });
    }
    return { prev, rulesCfg, rules, order, rewrites, largeClusterMode };
  }

  /** The rest of a plan: dispatch and fixed chains, stale chains, jumps; the payloads. */
  private finish(step: RewriteStep, req: SyncRequest): PlannedSync {
    const { prev, rulesCfg, rules, order, rewrites, largeClusterMode } = step;
    const full = prev === undefined;

    // Dispatch chains, whole; written when full or changed.
    const natServices: string[] = [];
    const natNodePorts: string[] = [];
    const filterServices: string[] = [];
    const filterExternal: string[] = [];
    // A port the service does not define: not DNATed, so still addressed to the cluster IP here
    // (the line of the first service port with that cluster IP).
    const noSuchPort = new Map<string, string>();
    for (const r of rules.values()) {
      for (const l of r.natServices) natServices.push(l);
      for (const l of r.natNodePorts) natNodePorts.push(l);
      for (const l of r.filterServices) filterServices.push(l);
      for (const l of r.filterExternal) filterExternal.push(l);
      if (!noSuchPort.has(r.clusterIP)) noSuchPort.set(r.clusterIP, r.noSuchPort);
    }
    for (const l of nodePortsJumps(req.nodePortIPs)) natServices.push(l);
    for (const l of noSuchPort.values()) filterServices.push(l);
    const dispatch = new Map<string, string[]>([
      [`nat ${SERVICES_CHAIN}`, natServices],
      [`nat ${NODEPORTS_CHAIN}`, natNodePorts],
      [`filter ${SERVICES_CHAIN}`, filterServices],
      [`filter ${EXTERNAL_SERVICES_CHAIN}`, filterExternal],
    ]);

    const tables: Record<Table, TablePayload> = { filter: emptyTable(), nat: emptyTable(), mangle: emptyTable() };
    for (const [key, lines] of dispatch) {
      if (!full && sameLines(prev.dispatch.get(key), lines)) continue;
      const [table, chain] = key.split(' ') as [Table, string];
      tables[table].chains.set(chain, lines);
    }
    if (full) {
      const fixed = fixedChains(this.cfg.masqueradeBit ?? DEFAULT_MASQUERADE_BIT);
      for (const t of ['filter', 'nat', 'mangle'] as const) for (const [c, r] of fixed[t]) tables[t].chains.set(c, r);
      for (const j of req.missingJumps ?? []) tables[j.table].extra.push(jumpLine(j));
    }

    // Stale chains: on a full sync, the service chains in the table that are not written now; on
    // a partial one, the chains the rewritten and removed service ports had and no longer have (a
    // chain name hashes its service port's name, so no other port has it).
    const stale: string[] = [];
    if (full) {
      const active = new Set<string>();
      for (const r of rules.values()) for (const c of r.chainNames) active.add(c);
      for (const c of req.existingNatChains ?? []) if (isServiceChain(c) && !active.has(c)) stale.push(c);
    } else {
      for (const [name, old] of prev.rules) {
        const now = rules.get(name);
        if (now === old) continue;
        const kept = new Set(now?.chainNames);
        for (const c of old.chainNames) if (!kept.has(c)) stale.push(c);
      }
    }
    tables.nat.deletes = stale.sort();
    this.pending = { rules, order, dispatch, largeClusterMode };

    let eagerChains = 0;
    let eagerRules = 0;
    for (const t of Object.values(tables)) {
      eagerChains += t.chains.size;
      for (const r of t.chains.values()) eagerRules += r.length;
    }
    const chainsDeleted = tables.nat.deletes.length;
    let restores = 0;
    const lazy = rewrites.map(({ layout, kept }): LazyChains => ({
      names: kept.chainNames,
      rules: () => {
        const chains = servicePortChains(layout, rulesCfg);
        kept.chainRules = 0;
        for (const r of chains.values()) kept.chainRules += r.length;
        return chains;
      },
    }));
    const max = this.cfg.maxChainsPerRestore;
    return {
      full,
      payloads: function* () {
        for (const p of split(lazy, tables, max)) {
          restores++;
          yield p;
        }
      },
      summary: () => {
        let rulesWritten = eagerRules;
        for (const { kept } of rewrites) rulesWritten += kept.chainRules;
        let rulesTotal = 0;
        for (const lines of dispatch.values()) rulesTotal += lines.length;
        for (const r of rules.values()) rulesTotal += r.chainRules;
        const chainsWritten = eagerChains + lazy.reduce((n, g) => n + g.names.length, 0);
        return { full, restores, chainsWritten, rulesWritten, chainsDeleted, rulesTotal };
      },
    };
  }
}

/** The same service port names as the map's (the order holds each name once). */
function sameNames(order: readonly string[], services: ReadonlyMap<string, unknown>): boolean {
  if (order.length !== services.size) return false;
  for (const name of order) if (!services.has(name)) return false;
  return true;
}

/** Same lines in the same order (unchanged services share their line strings with the last sync). */
function sameLines(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The restores: the service chains in restores of at most `max` chains, then the rest; or,
 * unbounded or small enough, one restore. Each is read piece by piece, its text made as it is read.
 */
function* split(services: LazyChains[], tables: Record<Table, TablePayload>, max: number | undefined): Generator<Iterable<string>> {
  const total = services.reduce((n, g) => n + g.names.length, 0);
  if (max === undefined || total <= max) {
    tables.nat.lazy.push(...services);
    if (!payloadIsEmpty(tables)) yield renderPieces(tables);
    return;
  }
  let chunk = emptyTable();
  let size = 0;
  // Service chains jump to SKIFF-MARK-MASQ: on a full sync it goes first.
  const markMasq = tables.nat.chains.get(MARK_MASQ_CHAIN);
  if (markMasq) {
    chunk.chains.set(MARK_MASQ_CHAIN, markMasq);
    tables.nat.chains.delete(MARK_MASQ_CHAIN);
    size = 1;
  }
  for (const g of services) {
    if (size > 0 && size + g.names.length > max) {
      yield renderPieces({ nat: chunk });
      chunk = emptyTable();
      size = 0;
    }
    chunk.lazy.push(g);
    size += g.names.length;
  }
  if (size > 0) yield renderPieces({ nat: chunk });
  if (!payloadIsEmpty(tables)) yield renderPieces(tables);
}
