// The in-memory Explanation turned into what is published on the pod (@skiff/api's
// PlacementExplanation under PLACEMENT_EXPLANATION_ANNOTATION): at most 3 candidates with integer
// scores (a plugin's contribution left out when it is 0), at most 10 rejected nodes sorted by name
// with reasons cut to 200 characters, and counts of what was left out (the explain endpoint passes
// its own bounds). Sorted and fixed-order so that an attempt with the same outcome gives the same
// text (the failure path writes the annotation only when it changed).
import {
  PLACEMENT_EXPLANATION_ANNOTATION,
  PLACEMENT_MAX_CANDIDATES,
  PLACEMENT_MAX_REASON,
  PLACEMENT_MAX_REJECTED,
  type PlacementExplanation,
} from '@skiff/api';
import type { Explanation } from './explanation.js';

function cut(s: string): string {
  return s.length <= PLACEMENT_MAX_REASON ? s : `${s.slice(0, PLACEMENT_MAX_REASON - 3)}...`;
}

/** How many candidates and rejected nodes are listed (the rest are counted). */
export interface PlacementLimits {
  candidates: number;
  rejected: number;
}

/** The annotation's bounds. */
export const ANNOTATION_LIMITS: PlacementLimits = { candidates: PLACEMENT_MAX_CANDIDATES, rejected: PLACEMENT_MAX_REJECTED };

/** The bounded, published form of `e`; `node` is the chosen node (undefined: the attempt failed). */
export function placementExplanation(e: Explanation, node?: string, limits: PlacementLimits = ANNOTATION_LIMITS): PlacementExplanation {
  const candidates = e.candidates.slice(0, limits.candidates).map((c) => ({
    node: c.node,
    score: Math.round(c.total),
    plugins: nonZero(c.byPlugin),
  }));
  const names = Object.keys(e.rejected).sort();
  const rejected = names.slice(0, limits.rejected).map((n) => ({ node: n, plugin: e.rejected[n].plugin, reason: cut(e.rejected[n].reason) }));
  return {
    result: node ? 'Scheduled' : 'Unschedulable',
    ...(node ? { node } : {}),
    evaluated: e.evaluatedNodes,
    feasible: e.feasibleNodes,
    candidates,
    candidatesOmitted: Math.max(0, e.feasibleNodes - candidates.length),
    rejected,
    rejectedOmitted: e.rejectedOmitted + names.length - rejected.length,
  };
}

/** Each plugin's rounded contribution, those that contributed nothing left out (a shorter annotation; absent reads as 0). */
function nonZero(byPlugin: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p in byPlugin) {
    const v = Math.round(byPlugin[p]);
    if (v !== 0) out[p] = v;
  }
  return out;
}

/** The annotations that carry `e` (set by the bind, or patched after a failed attempt). */
export function explanationAnnotations(e: Explanation, node?: string): Record<string, string> {
  // placementExplanation builds its keys in encodePlacementExplanation's order: no second copy on
  // the bind path (explanation-annotation.test.ts checks both give the same text).
  return { [PLACEMENT_EXPLANATION_ANNOTATION]: JSON.stringify(placementExplanation(e, node)) };
}
