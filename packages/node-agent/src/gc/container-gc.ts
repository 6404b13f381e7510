// Garbage collection of the runtime's dead objects (the kubelet's containerGC with its defaults:
// MinAge 0, MaxPerPodContainer 1, MaxContainers unlimited). Exited (or never started) containers
// beyond the newest one per pod and container name are removed, so `logs --previous` still has
// the last instance; every dead container of a pod that no longer exists is removed; a stopped
// sandbox is removed once no container of it is left and it is not its pod's newest (all of them
// when the pod no longer exists). Running objects are never touched here: the sync loop stops
// the pods that no longer exist.
import type { ContainerRuntime, ContainerSummary, PodSandbox } from '../runtime/runtime.js';

export interface ContainerGCPolicy {
  /** dead instances kept per pod and container name (the kubelet's MaxPerPodContainer) */
  maxPerPodContainer: number;
  /** a dead object younger than this is kept (MinAge) */
  minAgeMs: number;
}

export const DEFAULT_GC_POLICY: ContainerGCPolicy = { maxPerPodContainer: 1, minAgeMs: 0 };

export interface GCPlan {
  containers: string[];
  sandboxes: string[];
}

const newestFirst = (a: { createdAt: string }, b: { createdAt: string }) => Date.parse(b.createdAt) - Date.parse(a.createdAt);

export function planContainerGC(
  containers: readonly ContainerSummary[],
  sandboxes: readonly PodSandbox[],
  podExists: (uid: string) => boolean,
  nowMs: number,
  policy: ContainerGCPolicy = DEFAULT_GC_POLICY,
): GCPlan {
  const old = (o: { createdAt: string }) => nowMs - Date.parse(o.createdAt) >= policy.minAgeMs;
  const groups = new Map<string, ContainerSummary[]>();
  for (const c of containers) {
    if (c.state === 'running' || !old(c)) continue;
    const key = `${c.pod.uid}/${c.name}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const removeContainers: string[] = [];
  for (const list of groups.values()) {
    const keep = podExists((list[0] as ContainerSummary).pod.uid) ? policy.maxPerPodContainer : 0;
    removeContainers.push(...list.sort(newestFirst).slice(keep).map((c) => c.id));
  }
  const gone = new Set(removeContainers);
  const inUse = new Set(containers.filter((c) => !gone.has(c.id)).map((c) => c.sandboxId));
  const newest = new Map<string, PodSandbox>();
  for (const s of [...sandboxes].sort(newestFirst)) if (!newest.has(s.pod.uid)) newest.set(s.pod.uid, s);
  const removeSandboxes = sandboxes
    .filter((s) => s.state !== 'ready' && old(s) && !inUse.has(s.id))
    .filter((s) => !podExists(s.pod.uid) || newest.get(s.pod.uid)?.id !== s.id)
    .map((s) => s.id);
  return { containers: removeContainers, sandboxes: removeSandboxes };
}

/** Runs one collection against the runtime; returns what was removed. */
export async function collectContainers(runtime: ContainerRuntime, podExists: (uid: string) => boolean, nowMs: number, policy: ContainerGCPolicy = DEFAULT_GC_POLICY): Promise<GCPlan> {
  const [containers, sandboxes] = await Promise.all([runtime.listContainers(), runtime.listPodSandboxes()]);
  const plan = planContainerGC(containers, sandboxes, podExists, nowMs, policy);
  for (const id of plan.containers) await runtime.removeContainer(id);
  for (const id of plan.sandboxes) await runtime.removePodSandbox(id);
  return plan;
}
