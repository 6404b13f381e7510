// Pod columns, as kubectl's printPod: READY, STATUS and RESTARTS from pod-status.ts; -o wide adds
// IP, NODE, NOMINATED NODE and READINESS GATES.
import { AGE, NAME, col, loose, type Column } from './column.js';
import { podSummary, readinessGates } from './pod-status.js';

export const podColumns: Column[] = [
  NAME,
  col('READY', (o, c) => podSummary(o, c.now).ready),
  col('STATUS', (o, c) => podSummary(o, c.now).status),
  col('RESTARTS', (o, c) => podSummary(o, c.now).restarts),
  AGE,
  col('IP', (o) => loose(o).status?.podIPs?.[0]?.ip || loose(o).status?.podIP || '<none>', true),
  col('NODE', (o) => loose(o).spec?.nodeName || '<none>', true),
  col('NOMINATED NODE', (o) => loose(o).status?.nominatedNodeName || '<none>', true),
  col('READINESS GATES', readinessGates, true),
];
