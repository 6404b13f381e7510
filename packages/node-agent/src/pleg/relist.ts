// The pod lifecycle event generator's diff (the kubelet's generic PLEG): a snapshot of every
// sandbox and container state per relist, and the events between two snapshots, as the kubelet's
// generateEvents defines them:
//   -> running                       ContainerStarted
//   -> exited                        ContainerDied
//   -> unknown (created, unknown)    ContainerChanged
//   -> gone, from exited             ContainerRemoved
//   -> gone, from anything else      ContainerDied, ContainerRemoved
import type { ContainerStateName, ContainerSummary, PodSandbox } from '../runtime/runtime.js';

export type PodLifecycleEventType = 'ContainerStarted' | 'ContainerDied' | 'ContainerRemoved' | 'ContainerChanged';

export interface PodLifecycleEvent {
  podUid: string;
  type: PodLifecycleEventType;
  /** the container's (or sandbox's) id */
  containerId: string;
}

type PlegState = 'running' | 'exited' | 'unknown';

export type Snapshot = Map<string, { podUid: string; state: PlegState }>;

function containerState(s: ContainerStateName): PlegState {
  return s === 'running' ? 'running' : s === 'exited' ? 'exited' : 'unknown';
}

export function snapshotOf(sandboxes: readonly PodSandbox[], containers: readonly ContainerSummary[]): Snapshot {
  const snap: Snapshot = new Map();
  for (const s of sandboxes) snap.set(s.id, { podUid: s.pod.uid, state: s.state === 'ready' ? 'running' : 'exited' });
  for (const c of containers) snap.set(c.id, { podUid: c.pod.uid, state: containerState(c.state) });
  return snap;
}

const onChange: Record<PlegState, PodLifecycleEventType> = { running: 'ContainerStarted', exited: 'ContainerDied', unknown: 'ContainerChanged' };

export function diffSnapshots(old: Snapshot, cur: Snapshot): PodLifecycleEvent[] {
  const events: PodLifecycleEvent[] = [];
  for (const [id, now] of cur) {
    const before = old.get(id);
    if (before?.state !== now.state) events.push({ podUid: now.podUid, type: onChange[now.state], containerId: id });
  }
  for (const [id, before] of old) {
    if (cur.has(id)) continue;
    if (before.state !== 'exited') events.push({ podUid: before.podUid, type: 'ContainerDied', containerId: id });
    events.push({ podUid: before.podUid, type: 'ContainerRemoved', containerId: id });
  }
  return events;
}
