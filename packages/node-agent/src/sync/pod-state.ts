// What the runtime holds for one pod, read fresh for every sync: its sandboxes (newest first) and
// every instance of every container with its exit details; the latest instance per container name.
import { compareStrings } from '@skiff/api';
import type { ContainerRuntime, ContainerStatus, PodSandboxStatus } from '../runtime/runtime.js';

export interface PodRuntimeState {
  /** newest attempt first */
  sandboxes: PodSandboxStatus[];
  /** every instance, newest first per name */
  containers: ContainerStatus[];
}

export async function readPodState(runtime: ContainerRuntime, podUid: string, cache?: PodStateCache): Promise<PodRuntimeState> {
  const { sandboxes, containers } = await runtime.listPodObjects({ podUid });
  const sandboxStatuses = await Promise.all(
    sandboxes.map((s) => cache?.sandbox(podUid, s.id, s.state) ?? runtime.podSandboxStatus(s.id).then((st) => cache?.keepSandbox(podUid, st) ?? st, () => undefined)),
  );
  const statuses = await Promise.all(
    containers.map((c) => cache?.container(podUid, c.id, c.state) ?? runtime.containerStatus(c.id).then((st) => cache?.keepContainer(podUid, st) ?? st, () => undefined)),
  );
  cache?.retain(podUid, [...sandboxes.map((s) => s.id), ...containers.map((c) => c.id)]);
  return {
    sandboxes: sandboxStatuses.filter((s): s is PodSandboxStatus => s !== undefined).sort((a, b) => b.attempt - a.attempt || compareStrings(b.createdAt, a.createdAt)),
    containers: statuses
      .filter((c): c is ContainerStatus => c !== undefined)
      .sort((a, b) => b.restartCount - a.restartCount || compareStrings(b.createdAt, a.createdAt)),
  };
}

/**
 * What the runtime said when it was last inspected, per pod and object, kept while the runtime's
 * list shows the same state: a running container's or sandbox's details do not change until its
 * state does, and an exited one's never do. So a steady pod's sync costs two list calls and no
 * inspection (the kubelet keeps a pod cache for the same reason). Copies are handed out.
 */
export class PodStateCache {
  private readonly pods = new Map<string, Map<string, { state: string; sandbox?: PodSandboxStatus; container?: ContainerStatus }>>();
  /** whole states of steady pods, valid until the PLEG reports a change of the pod (`invalidate`) */
  private readonly states = new Map<string, { gen: number; atMs: number; state: PodRuntimeState }>();
  private readonly gens = new Map<string, number>();

  /** a copy of the pod's last state read when nothing changed since and it is younger than `maxAgeMs` */
  steady(podUid: string, nowMs: number, maxAgeMs: number): PodRuntimeState | undefined {
    const s = this.states.get(podUid);
    if (!s || s.gen !== (this.gens.get(podUid) ?? 0) || nowMs - s.atMs > maxAgeMs) return undefined;
    return copyState(s.state);
  }

  /** the generation to hand to `keepState` once a read that starts now ends */
  generation(podUid: string): number {
    return this.gens.get(podUid) ?? 0;
  }

  /** keeps a state read while the pod's generation was `gen` (dropped when something changed meanwhile) */
  keepState(podUid: string, gen: number, nowMs: number, state: PodRuntimeState): void {
    if (gen === this.generation(podUid)) this.states.set(podUid, { gen, atMs: nowMs, state: copyState(state) });
  }

  /** the runtime changed something of the pod (a PLEG event, or the agent's own action) */
  invalidate(podUid: string): void {
    this.gens.set(podUid, this.generation(podUid) + 1);
    this.states.delete(podUid);
  }

  private entry(podUid: string, id: string, state: string) {
    const e = this.pods.get(podUid)?.get(id);
    return e && e.state === state ? e : undefined;
  }

  sandbox(podUid: string, id: string, listed: PodSandboxStatus['state']): Promise<PodSandboxStatus> | undefined {
    const s = this.entry(podUid, id, listed)?.sandbox;
    return s && Promise.resolve({ ...s });
  }

  container(podUid: string, id: string, listed: ContainerStatus['state']): Promise<ContainerStatus> | undefined {
    const c = this.entry(podUid, id, listed)?.container;
    return c && Promise.resolve({ ...c });
  }

  keepSandbox(podUid: string, s: PodSandboxStatus): PodSandboxStatus {
    this.pod(podUid).set(s.id, { state: s.state, sandbox: { ...s } });
    return s;
  }

  /** only settled states: a created container is about to run */
  keepContainer(podUid: string, c: ContainerStatus): ContainerStatus {
    if (c.state === 'running' || c.state === 'exited') this.pod(podUid).set(c.id, { state: c.state, container: { ...c } });
    return c;
  }

  /** drops the entries of objects the runtime no longer lists */
  retain(podUid: string, ids: readonly string[]): void {
    const m = this.pods.get(podUid);
    if (!m) return;
    const keep = new Set(ids);
    for (const id of m.keys()) if (!keep.has(id)) m.delete(id);
    if (m.size === 0) this.pods.delete(podUid);
  }

  forget(podUid: string): void {
    this.pods.delete(podUid);
    this.states.delete(podUid);
    this.gens.delete(podUid);
  }

  private pod(podUid: string) {
    let m = this.pods.get(podUid);
    if (!m) this.pods.set(podUid, (m = new Map()));
    return m;
  }
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

function copyState(s: PodRuntimeState): PodRuntimeState {
  return { sandboxes: s.sandboxes.map((x) => ({ ...x })), containers: s.containers.map((x) => ({ ...x })) };
}
