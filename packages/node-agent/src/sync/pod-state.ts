// What the runtime holds for one pod, read fresh for every sync: its sandboxes (newest first) and
// every instance of every container with its exit details; the latest instance per container name.
import type { ContainerRuntime, ContainerStatus, PodSandboxStatus } from '../runtime/runtime.js';

export interface PodRuntimeState {
  /** newest attempt first */
  sandboxes: PodSandboxStatus[];
  /** every instance, newest first per name */
  containers: ContainerStatus[];
}

export async function readPodState(runtime: ContainerRuntime, podUid: string): Promise<PodRuntimeState> {
  const [sandboxes, containers] = await Promise.all([runtime.listPodSandboxes({ podUid }), runtime.listContainers({ podUid })]);
  const sandboxStatuses = await Promise.all(sandboxes.map((s) => runtime.podSandboxStatus(s.id).catch(() => undefined)));
  const statuses = await Promise.all(containers.map((c) => runtime.containerStatus(c.id).catch(() => undefined)));
  return {
    sandboxes: sandboxStatuses.filter((s): s is PodSandboxStatus => s !== undefined).sort((a, b) => b.attempt - a.attempt || b.createdAt.localeCompare(a.createdAt)),
    containers: statuses
      .filter((c): c is ContainerStatus => c !== undefined)
      .sort((a, b) => b.restartCount - a.restartCount || b.createdAt.localeCompare(a.createdAt)),
  };
}

/** the newest instance of a container, and the one before it */
export function instancesOf(state: PodRuntimeState, name: string): { latest?: ContainerStatus; previous?: ContainerStatus } {
  const all = state.containers.filter((c) => c.name === name);
  const out: { latest?: ContainerStatus; previous?: ContainerStatus } = {};
  if (all[0]) out.latest = all[0];
  if (all[1]) out.previous = all[1];
  return out;
}

export function timeMs(iso: string | undefined): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : t;
}
