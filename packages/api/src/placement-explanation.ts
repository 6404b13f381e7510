// The scheduler's placement explanation as published on the pod (annotation
// `scheduler.skiff.io/explanation`, compact JSON): written by skiff-scheduler with the bind or after
// a failed attempt, read by `skiffctl describe pod`. Kubernetes has no equivalent; the format and its
// bounds are documented in packages/scheduler/README.md.

export const PLACEMENT_EXPLANATION_ANNOTATION = 'scheduler.skiff.io/explanation';

/** At most this many candidates and rejected nodes are listed (the rest are counted). */
export const PLACEMENT_MAX_CANDIDATES = 3;
export const PLACEMENT_MAX_REJECTED = 10;
/** A rejection's reason longer than this is cut (ending in "..."). */
export const PLACEMENT_MAX_REASON = 200;

export interface PlacementCandidate {
  node: string;
  /** The node's total score (sum of the plugins' weighted, normalized scores). */
  score: number;
  /** Score plugin -> its weighted, normalized contribution. */
  plugins: Record<string, number>;
}

export interface PlacementRejection {
  node: string;
  /** The Filter (or PreFilter) plugin that rejected the node. */
  plugin: string;
  reason: string;
}

export interface PlacementExplanation {
  result: 'Scheduled' | 'Unschedulable';
  /** The chosen node (Scheduled only). */
  node?: string;
  /** Nodes the filters ran on, and how many of them fit. */
  evaluated: number;
  feasible: number;
  /** Best first (for Scheduled the first is the chosen node); at most PLACEMENT_MAX_CANDIDATES. */
  candidates: PlacementCandidate[];
  /** Feasible nodes not listed in `candidates`. */
  candidatesOmitted: number;
  /** Sorted by node name; at most PLACEMENT_MAX_REJECTED. */
  rejected: PlacementRejection[];
  /** Rejected nodes not listed in `rejected`. */
  rejectedOmitted: number;
}

/** The annotation's value: compact JSON, keys in a fixed order (equal explanations give equal text). */
export function encodePlacementExplanation(e: PlacementExplanation): string {
  const ordered: PlacementExplanation = {
    result: e.result,
    ...(e.node ? { node: e.node } : {}),
    evaluated: e.evaluated,
    feasible: e.feasible,
    candidates: e.candidates.map((c) => ({ node: c.node, score: c.score, plugins: c.plugins })),
    candidatesOmitted: e.candidatesOmitted,
    rejected: e.rejected.map((r) => ({ node: r.node, plugin: r.plugin, reason: r.reason })),
    rejectedOmitted: e.rejectedOmitted,
  };
  return JSON.stringify(ordered);
}

/** The explanation in an annotation's value, or undefined when it is not one (a reader must not throw on a hand-edited pod). */
export function parsePlacementExplanation(text: string | undefined): PlacementExplanation | undefined {
  if (!text) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (o.result !== 'Scheduled' && o.result !== 'Unschedulable') return undefined;
  const num = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? x : 0);
  const str = (x: unknown): string => (typeof x === 'string' ? x : '');
  const arr = (x: unknown): Record<string, unknown>[] => (Array.isArray(x) ? x.filter((i): i is Record<string, unknown> => !!i && typeof i === 'object') : []);
  return {
    result: o.result,
    ...(typeof o.node === 'string' && o.node ? { node: o.node } : {}),
    evaluated: num(o.evaluated),
    feasible: num(o.feasible),
    candidates: arr(o.candidates).map((c) => ({
      node: str(c.node),
      score: num(c.score),
      plugins: Object.fromEntries(Object.entries(c.plugins && typeof c.plugins === 'object' ? (c.plugins as Record<string, unknown>) : {}).map(([k, s]) => [k, num(s)])),
    })),
    candidatesOmitted: num(o.candidatesOmitted),
    rejected: arr(o.rejected).map((r) => ({ node: str(r.node), plugin: str(r.plugin), reason: str(r.reason) })),
    rejectedOmitted: num(o.rejectedOmitted),
  };
}

/**
 * The scheduler's answer for a pod that is not created (its `POST /explain`, `skiffctl
 * explain-placement -f`): where the pod would go now and why not elsewhere. Every node is evaluated
 * (percentageOfNodesToScore does not apply); nothing is assumed, reserved, bound or evicted.
 */
export interface PlacementAnswer {
  /** namespace/name of the pod asked about. */
  pod: string;
  /** The profile that answered (the pod's spec.schedulerName). */
  schedulerName: string;
  /** As on a pod, with the bounds the request asked for (`candidates`, `rejected`). */
  explanation: PlacementExplanation;
  /** Rejected nodes per reason, each reason of each node counted once (the terms of Kubernetes' "0/3 nodes are available: ..." summary). */
  rejectedReasons: Record<string, number>;
  /** Unschedulable only: the summary the FailedScheduling event would carry, preemption's part included. */
  message?: string;
  /** Unschedulable only, when preemption would help: the node it would nominate and the pods (namespace/name) it would evict. */
  preemption?: { node: string; victims: string[] };
}

/** The path of the scheduler's endpoint on its /metrics, /healthz server. */
export const PLACEMENT_EXPLAIN_PATH = '/explain';
