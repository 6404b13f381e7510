// One placement explanation for the tests of describe, explain-placement and explain-placement -f: a pod
// scheduled on n2 (score 187) over n3 (150), n1 rejected for cpu.
import type { PlacementExplanation } from '@skiff/api';

export const SCHEDULED_ON_N2: PlacementExplanation = {
  result: 'Scheduled',
  node: 'n2',
  evaluated: 3,
  feasible: 2,
  candidates: [
    { node: 'n2', score: 187, plugins: { NodeResourcesFit: 90, TaintToleration: 97 } },
    { node: 'n3', score: 150, plugins: { NodeResourcesFit: 53, TaintToleration: 97 } },
  ],
  candidatesOmitted: 0,
  rejected: [{ node: 'n1', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' }],
  rejectedOmitted: 0,
};
