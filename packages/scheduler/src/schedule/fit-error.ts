// "No node fits": the per-node statuses and Kubernetes' summary message
// ("0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu.").
import type { Pod } from '@skiff/api';
import type { Status } from '../framework/status.js';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface Diagnosis {
  /** Node name -> the status of the filter that rejected it (with `plugin` set). */
  nodeToStatus: Map<string, Status>;
  /** Plugins that rejected the pod on some node: their events move it back to the active queue. */
  unschedulablePlugins: Set<string>;
  /** Set when a PreFilter rejected the pod for every node. */
  preFilterMsg: string;
  /** Set when PostFilter (preemption) also failed. */
  postFilterMsg: string;
}

export function emptyDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

/** Reason -> number of nodes, each reason of each node counted once. */
export function reasonHistogram(nodeToStatus: ReadonlyMap<string, Status>): Map<string, number> {
  const h = new Map<string, number>();
  for (const s of nodeToStatus.values()) for (const r of s.reasons) h.set(r, (h.get(r) ?? 0) + 1);
  return h;
}

/** An expected outcome, returned (not thrown): no node fits the pod. */
export class FitError {
  constructor(
    readonly pod: Pod,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {}

  /** Derived from the diagnosis, which PostFilter may still extend. */
  get message(): string {
    return fitErrorMessage(this.numAllNodes, this.diagnosis);
  }
}

/** Kubernetes' FitError.Error(): "count reason" strings sorted as strings, joined by ", ". */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const parts = [...reasonHistogram(d.nodeToStatus)].map(([reason, n]) => `${n} ${reason}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}.`;
  return msg;
}
