// Re-adoption after an agent restart: everything the runtime holds, grouped by pod from the labels,
// newest sandbox attempt and newest container restart first. Nothing is started or stopped here;
// the sync loop decides from this picture what (if anything) must change.
import { compareStrings } from '@skiff/api';
import type { ContainerSummary, PodSandbox, RecoveredPod } from './runtime.js';

export function groupByPod(sandboxes: readonly PodSandbox[], containers: readonly ContainerSummary[]): RecoveredPod[] {
  const pods = new Map<string, RecoveredPod>();
  const entry = (ref: RecoveredPod['pod']): RecoveredPod => {
    let p = pods.get(ref.uid);
    if (!p) pods.set(ref.uid, (p = { pod: ref, sandboxes: [], containers: [] }));
    return p;
  };
  for (const s of sandboxes) entry(s.pod).sandboxes.push(s);
  for (const c of containers) entry(c.pod).containers.push(c);
  for (const p of pods.values()) {
    p.sandboxes.sort((a, b) => b.attempt - a.attempt || compareStrings(b.createdAt, a.createdAt));
    p.containers.sort((a, b) => compareStrings(a.name, b.name) || b.restartCount - a.restartCount || compareStrings(b.createdAt, a.createdAt));
  }
  return [...pods.values()].sort((a, b) => compareStrings(a.pod.namespace, b.pod.namespace) || compareStrings(a.pod.name, b.pod.name));
}

/**
 * The container whose logs `logs POD -c NAME` shows: the newest instance, or with `previous` the one
 * before it (the kubelet keeps the last dead instance for this). Undefined when there is none.
 */
export function logTarget(containers: readonly ContainerSummary[], podUid: string, name: string, previous: boolean): ContainerSummary | undefined {
  const mine = containers
    .filter((c) => c.pod.uid === podUid && c.name === name)
    .sort((a, b) => b.restartCount - a.restartCount || compareStrings(b.createdAt, a.createdAt));
  return previous ? mine[1] : mine[0];
}
