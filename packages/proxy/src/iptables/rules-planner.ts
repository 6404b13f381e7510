// Plans each sync's iptables-restore payloads from the service and endpoints maps. A full sync
// writes every chain; a partial sync (kube-proxy's since 1.26) rewrites only the chains of the
// services that changed, a dispatch chain only when its text changed (so an endpoints-only change
// that keeps a service reachable leaves SKIFF-SERVICES alone), and deletes the chains no longer in
// use. The planner remembers what the last successful sync wrote: call commit() after the restore
// succeeded; after a failure, plan a full sync.
import type { EndpointsMap, ServicePortMap } from '../tracker/change-tracker.js';
import { EXTERNAL_SERVICES_CHAIN, MARK_MASQ_CHAIN, NODEPORTS_CHAIN, SERVICES_CHAIN, isServiceChain } from './chain-names.js';
import { DEFAULT_MASQUERADE_BIT, fixedChains, jumpLine, nodePortsJumps, type Jump, type Table } from './fixed-rules.js';
import { emptyTable, renderPayload, type TablePayload } from './payload.js';
import { appendRule, comment } from './rule-line.js';
import { servicePortRules, type ProxyRulesConfig, type ServicePortRules } from './service-rules.js';

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
  /** Payloads for `iptables-restore --noflush`, in order (one unless split). */
  restores: string[];
  /** Chains written (declared) over all restores. */
  chainsWritten: number;
  /** Rules written over all restores. */
  rulesWritten: number;
  /** Stale chains deleted. */
  chainsDeleted: number;
  /** Rules in the proxy's nat and filter chains after this sync. */
  rulesTotal: number;
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
  chainRules: number;
}

function kept(r: ServicePortRules): KeptRules {
  let chainRules = 0;
  for (const c of r.chains.values()) chainRules += c.length;
  return { natServices: r.natServices, natNodePorts: r.natNodePorts, filterServices: r.filterServices, filterExternal: r.filterExternal, chainNames: [...r.chains.keys()], chainRules };
}

interface State {
  rules: Map<string, KeptRules>;
  dispatch: Map<string, string>;
  active: Set<string>;
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

  plan(req: SyncRequest): SyncPlan {
    const prev = req.changed === undefined ? undefined : this.state;
    const full = prev === undefined;
    const rules = new Map<string, KeptRules>();
    // The chains of the rewritten service ports, in service order.
    const serviceChains: Map<string, readonly string[]>[] = [];
    for (const name of [...req.services.keys()].sort()) {
      const svc = req.services.get(name);
      if (!svc) continue;
      const old = prev?.rules.get(name);
      if (old && !req.changed?.has(svc.service)) rules.set(name, old);
      else {
        const r = servicePortRules(svc, req.endpoints.get(name) ?? [], this.cfg);
        rules.set(name, kept(r));
        serviceChains.push(r.chains);
      }
    }

    // Dispatch chains, whole; written when full or changed.
    const dispatch = new Map<string, string[]>([
      [`nat ${SERVICES_CHAIN}`, []],
      [`nat ${NODEPORTS_CHAIN}`, []],
      [`filter ${SERVICES_CHAIN}`, []],
      [`filter ${EXTERNAL_SERVICES_CHAIN}`, []],
    ]);
    const clusterIPs = new Map<string, string>();
    for (const [name, r] of rules) {
      dispatch.get(`nat ${SERVICES_CHAIN}`)?.push(...r.natServices);
      dispatch.get(`nat ${NODEPORTS_CHAIN}`)?.push(...r.natNodePorts);
      dispatch.get(`filter ${SERVICES_CHAIN}`)?.push(...r.filterServices);
      dispatch.get(`filter ${EXTERNAL_SERVICES_CHAIN}`)?.push(...r.filterExternal);
      const svc = req.services.get(name);
      if (svc && !clusterIPs.has(svc.clusterIP)) clusterIPs.set(svc.clusterIP, svc.service);
    }
    dispatch.get(`nat ${SERVICES_CHAIN}`)?.push(...nodePortsJumps(req.nodePortIPs));
    // A port the service does not define: not DNATed, so still addressed to the cluster IP here.
    for (const [ip, service] of clusterIPs)
      dispatch.get(`filter ${SERVICES_CHAIN}`)?.push(appendRule(SERVICES_CHAIN, ...comment(`${service} has no such port`), '-d', ip, '-j', 'REJECT'));

    const tables: Record<Table, TablePayload> = { filter: emptyTable(), nat: emptyTable(), mangle: emptyTable() };
    const dispatchText = new Map<string, string>();
    for (const [key, lines] of dispatch) {
      const text = lines.join('\n');
      dispatchText.set(key, text);
      if (!full && prev.dispatch.get(key) === text) continue;
      const [table, chain] = key.split(' ') as [Table, string];
      tables[table].chains.set(chain, lines);
    }
    if (full) {
      const fixed = fixedChains(this.cfg.masqueradeBit ?? DEFAULT_MASQUERADE_BIT);
      for (const t of ['filter', 'nat', 'mangle'] as const) for (const [c, r] of fixed[t]) tables[t].chains.set(c, r);
      for (const j of req.missingJumps ?? []) tables[j.table].extra.push(jumpLine(j));
    }

    // Service chains, and the stale ones.
    const active = new Set<string>();
    for (const r of rules.values()) for (const c of r.chainNames) active.add(c);
    const before = full ? [...(req.existingNatChains ?? [])].filter(isServiceChain) : [...prev.active];
    tables.nat.deletes.push(...before.filter((c) => !active.has(c)).sort());

    const restores = this.split(serviceChains, tables);
    let chainsWritten = 0;
    let rulesWritten = 0;
    for (const chains of [...serviceChains, ...Object.values(tables).map((t) => t.chains)]) {
      chainsWritten += chains.size;
      for (const r of chains.values()) rulesWritten += r.length;
    }
    let rulesTotal = 0;
    for (const lines of dispatch.values()) rulesTotal += lines.length;
    for (const r of rules.values()) rulesTotal += r.chainRules;

    this.pending = { rules, dispatch: dispatchText, active };
    return { full, restores, chainsWritten, rulesWritten, chainsDeleted: tables.nat.deletes.length, rulesTotal };
  }

  /** The service chains in restores of at most maxChainsPerRestore chains, then the rest. */
  private split(serviceChains: Map<string, readonly string[]>[], tables: Record<Table, TablePayload>): string[] {
    const max = this.cfg.maxChainsPerRestore;
    const total = serviceChains.reduce((n, g) => n + g.size, 0);
    if (max === undefined || total <= max) {
      for (const g of serviceChains) for (const [c, r] of g) tables.nat.chains.set(c, r);
      return [renderPayload(tables)].filter((p) => p !== '');
    }
    const restores: string[] = [];
    let chunk = emptyTable();
    // Service chains jump to SKIFF-MARK-MASQ: on a full sync it goes first.
    const markMasq = tables.nat.chains.get(MARK_MASQ_CHAIN);
    if (markMasq) {
      chunk.chains.set(MARK_MASQ_CHAIN, markMasq);
      tables.nat.chains.delete(MARK_MASQ_CHAIN);
    }
    for (const g of serviceChains) {
      if (chunk.chains.size > 0 && chunk.chains.size + g.size > max) {
        restores.push(renderPayload({ nat: chunk }));
        chunk = emptyTable();
      }
      for (const [c, r] of g) chunk.chains.set(c, r);
    }
    if (chunk.chains.size > 0) restores.push(renderPayload({ nat: chunk }));
    const last = renderPayload(tables);
    return last === '' ? restores : [...restores, last];
  }
}
