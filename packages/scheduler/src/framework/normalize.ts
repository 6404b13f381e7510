// Kubernetes' helper.DefaultNormalizeScore: scale to 0..max by the highest score (integer, as
// Kubernetes), reversed when lower raw scores are better. All zero: 0 (or max when reversed).
import { MAX_NODE_SCORE } from './interface.js';

export function defaultNormalizeScore(scores: Float64Array, reverse: boolean, max = MAX_NODE_SCORE): void {
  let highest = 0;
  for (const s of scores) if (s > highest) highest = s;
  if (highest === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((max * scores[i]) / highest);
    scores[i] = reverse ? max - s : s;
  }
}
