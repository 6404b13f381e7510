// The in-memory Explanation turned into what is published on the pod (@skiff/api's
// PlacementExplanation under PLACEMENT_EXPLANATION_ANNOTATION): at most 3 candidates with integer
// scores, at most 10 rejected nodes sorted by name with reasons cut to 200 characters, and counts of
// what was left out (the explain endpoint passes its own bounds). Sorted and fixed-order so that an attempt with the same outcome gives the same
// text (the failure path writes the annotation only when it changed).
import {
  PLACEMENT_EXPLANATION_ANNOTATION,
  PLACEMENT_MAX_CANDIDATES,
  PLACEMENT_MAX_REASON,
  PLACEMENT_MAX_REJECTED,
  encodePlacementExplanation,
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
    plugins: Object.fromEntries(Object.entries(c.byPlugin).map(([p, s]) => [p, Math.round(s)])),
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

/** The annotations that carry `e` (set by the bind, or patched after a failed attempt). */
export function explanationAnnotations(e: Explanation, node?: string): Record<string, string> {
  return { [PLACEMENT_EXPLANATION_ANNOTATION]: encodePlacementExplanation(placementExplanation(e, node)) };
}
