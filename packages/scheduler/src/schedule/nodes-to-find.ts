// How many feasible nodes a cycle looks for before it stops filtering (Kubernetes'
// numFeasibleNodesToFind): every node below 100; else a share that shrinks with the cluster
// (50% - nodes/125, at least 5%) unless configured, and never fewer than 100.

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
const BASE_PERCENTAGE = 50;

/** `percentage` 0 means adaptive. */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let p = percentage;
  if (p >= 100) return numAllNodes;
  if (p <= 0) {
    p = BASE_PERCENTAGE - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}
