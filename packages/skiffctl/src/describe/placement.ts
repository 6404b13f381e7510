// The scheduler's placement explanation (annotation scheduler.skiff.io/explanation, written by
// skiff-scheduler with the bind or after a failed attempt) as describe pod's "Placement" section:
//   Placement:  chosen n2 (score 187: NodeResourcesFit 90, TaintToleration 97)
//               also n3 (150: ...)
//               rejected: n1 (NodeResourcesFit: Insufficient cpu), n4 (...), and 3 more
import { PLACEMENT_EXPLANATION_ANNOTATION, parsePlacementExplanation, type KObject, type PlacementCandidate, type PlacementExplanation } from '@skiff/api';
import type { DescribeWriter } from './writer.js';

function scores(c: PlacementCandidate, label: string): string {
  const parts = Object.entries(c.plugins).map(([p, s]) => `${p} ${s}`);
  return `${c.node} (${label}${c.score}${parts.length ? `: ${parts.join(', ')}` : ''})`;
}

/** The section's lines, or none when the pod carries no (readable) explanation. */
export function placementLines(obj: KObject): string[] {
  const e = parsePlacementExplanation(obj.metadata.annotations?.[PLACEMENT_EXPLANATION_ANNOTATION]);
  return e ? explanationLines(e) : [];
}

/** The lines of one explanation (a pod's annotation, or the scheduler's answer for a manifest). */
export function explanationLines(e: PlacementExplanation): string[] {
  const lines: string[] = [];
  const [first, ...rest] = e.candidates;
  if (e.result === 'Scheduled') lines.push(first ? `chosen ${scores(first, 'score ')}` : `chosen ${e.node ?? '<unknown>'}`);
  else lines.push(`no node fits (${e.evaluated} evaluated)`);
  for (const c of e.result === 'Scheduled' ? rest : e.candidates) lines.push(`also ${scores(c, '')}`);
  if (e.candidatesOmitted > 0) lines.push(`and ${e.candidatesOmitted} more feasible node(s)`);
  if (e.rejected.length > 0 || e.rejectedOmitted > 0) {
    const list = e.rejected.map((r) => `${r.node} (${r.plugin}: ${r.reason})`);
    if (e.rejectedOmitted > 0) list.push(`and ${e.rejectedOmitted} more`);
    lines.push(`rejected: ${list.join(', ')}`);
  }
  return lines;
}

export function placement(w: DescribeWriter, obj: KObject): void {
  const lines = placementLines(obj);
  if (lines.length > 0) w.kv(0, 'Placement', lines.join('\n'));
}
