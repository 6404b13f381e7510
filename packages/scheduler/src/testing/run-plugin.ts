// Runs one plugin the way the Framework does (PreFilter then Filter; PreScore, Score, NormalizeScore)
// over a snapshot, for table-driven plugin tests.
import type { Pod } from '@skiff/api';
import { CycleState } from '../framework/cycle-state.js';
import { isFilter, isPreFilter, isPreScore, isScore, type Handle, type Plugin } from '../framework/interface.js';
import { PodInfo } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { Code } from '../framework/status.js';
import { makeFramework } from './builders.js';

export function handleFor(snapshot: Snapshot): Handle {
  const fwk = makeFramework(snapshot);
  return { snapshot: () => snapshot, framework: () => fwk, binder: undefined };
}

/** Node name -> "" when the pod fits, else "<Code>: <reasons>". */
export function filterAll(plugin: Plugin, pod: Pod, snapshot: Snapshot): Record<string, string> {
  const state = new CycleState();
  const pi = new PodInfo(pod);
  const out: Record<string, string> = {};
  if (isPreFilter(plugin)) {
    const s = plugin.preFilter(state, pi, snapshot.nodeInfoList);
    if (s.code === Code.Skip) {
      for (const n of snapshot.nodeInfoList) out[n.name] = '';
      return out;
    }
    if (!s.isSuccess()) {
      for (const n of snapshot.nodeInfoList) out[n.name] = s.toString();
      return out;
    }
  }
  if (!isFilter(plugin)) throw new Error(`${plugin.name} is not a filter`);
  for (const n of snapshot.nodeInfoList) {
    const s = plugin.filter(state, pi, n);
    out[n.name] = s.isSuccess() ? '' : s.toString();
  }
  return out;
}

/** Node name -> normalized score (before the profile's weight); undefined when PreScore skipped. */
export function scoreAll(plugin: Plugin, pod: Pod, snapshot: Snapshot): Record<string, number> | undefined {
  const state = new CycleState();
  const pi = new PodInfo(pod);
  const nodes = snapshot.nodeInfoList;
  if (isPreScore(plugin)) {
    const s = plugin.preScore(state, pi, nodes);
    if (s.code === Code.Skip) return undefined;
    if (!s.isSuccess()) throw new Error(s.toString());
  }
  if (!isScore(plugin)) throw new Error(`${plugin.name} is not a score plugin`);
  const scores = new Float64Array(nodes.map((n) => plugin.score(state, pi, n)));
  plugin.normalizeScore?.(state, pi, nodes, scores);
  return Object.fromEntries(nodes.map((n, i) => [n.name, scores[i]]));
}
