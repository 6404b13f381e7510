// Why a pod went where it went (issue item 8, which kube-scheduler does not give): the top
// candidates with each score plugin's weighted contribution, and per rejected node the filter and
// its reason. Bounded, so that it fits in memory and on an Event or annotation.
import type { PluginScores } from '../framework/framework.js';
import type { NodeInfo } from '../framework/node-info.js';
import type { Status } from '../framework/status.js';

export interface CandidateExplanation {
  node: string;
  total: number;
  /** Score plugin -> weighted, normalized contribution. */
  byPlugin: Record<string, number>;
}

export interface RejectionExplanation {
  plugin: string;
  reason: string;
}

export interface Explanation {
  /** Best first; the first is the chosen node when the pod was scheduled. */
  candidates: CandidateExplanation[];
  /** Node -> why it was rejected; at most `maxRejected` entries. */
  rejected: Record<string, RejectionExplanation>;
  /** Rejected nodes not listed in `rejected` because of the bound. */
  rejectedOmitted: number;
  evaluatedNodes: number;
  feasibleNodes: number;
}

export const DEFAULT_TOP_CANDIDATES = 3;
export const DEFAULT_MAX_REJECTED = 20;

export function explainRejections(nodeToStatus: ReadonlyMap<string, Status>, max: number): Pick<Explanation, 'rejected' | 'rejectedOmitted'> {
  const rejected: Record<string, RejectionExplanation> = {};
  let n = 0;
  for (const [node, s] of nodeToStatus) {
    if (n++ >= max) break;
    rejected[node] = { plugin: s.plugin, reason: s.message() };
  }
  return { rejected, rejectedOmitted: Math.max(0, nodeToStatus.size - max) };
}

/** The `top` best nodes by total, best first (ties in node order), with per-plugin contributions. */
export function explainCandidates(nodes: readonly NodeInfo[], scores: PluginScores, top: number): CandidateExplanation[] {
  const idx: number[] = [];
  const t = scores.total;
  for (let i = 0; i < nodes.length; i++) {
    if (idx.length === top && t[i] <= t[idx[top - 1]]) continue;
    let j = idx.length < top ? idx.length : top - 1;
    while (j > 0 && t[idx[j - 1]] < t[i]) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = i;
  }
  return idx.map((i) => {
    const byPlugin: Record<string, number> = {};
    scores.plugins.forEach((p, j) => (byPlugin[p] = scores.scores[j][i]));
    return { node: nodes[i].name, total: scores.total[i], byPlugin };
  });
}
