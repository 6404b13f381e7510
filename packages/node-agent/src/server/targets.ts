// Which runtime container a request means: the pod by namespace/name (and uid when given) from the
// runtime's labels, the container by name (may be left out when the pod has one), and its current
// instance (the highest restart count) or, for --previous, the last instance that exited before it.
import { ApiError, compareStrings } from '@skiff/api';
import type { PodContainer } from '@skiff/machinery';
import type { ContainerRuntime, ContainerSummary } from '../runtime/runtime.js';

export interface ContainerInstances {
  podName: string;
  name: string;
  current: ContainerSummary;
  previous?: ContainerSummary;
}

function newestFirst(a: ContainerSummary, b: ContainerSummary): number {
  return b.restartCount - a.restartCount || compareStrings(b.createdAt, a.createdAt);
}

/** Picks the instances from the pod's containers (pure: the rules, tested as a table). */
export function pickInstances(all: ContainerSummary[], t: PodContainer): ContainerInstances {
  const ns = t.namespace || 'default';
  const pod = all.filter((c) => c.pod.namespace === ns && c.pod.name === t.name && (!t.podUid || c.pod.uid === t.podUid));
  if (pod.length === 0) throw new ApiError('NOT_FOUND', `pod "${t.name}" in namespace "${ns}" has no containers on this node`, { reason: 'NotFound' });
  const names = [...new Set(pod.map((c) => c.name))].sort();
  const name = t.container || (names.length === 1 ? names[0]! : '');
  if (!name) throw new ApiError('INVALID_ARGUMENT', `a container name must be specified for pod ${t.name}, choose one of: [${names.join(' ')}]`, { reason: 'BadRequest' });
  const instances = pod.filter((c) => c.name === name).sort(newestFirst);
  if (instances.length === 0) throw new ApiError('FAILED_PRECONDITION', `container "${name}" in pod "${t.name}" is waiting to start`, { reason: 'BadRequest' });
  const [current, ...older] = instances as [ContainerSummary, ...ContainerSummary[]];
  const previous = older.find((c) => c.state === 'exited');
  return { podName: t.name ?? '', name, current, ...(previous ? { previous } : {}) };
}

export async function findInstances(runtime: ContainerRuntime, t: PodContainer): Promise<ContainerInstances> {
  if (!t.name) throw new ApiError('INVALID_ARGUMENT', 'target.name: Required value: the pod name', { reason: 'BadRequest' });
  const all = await runtime.listContainers(t.podUid ? { podUid: t.podUid } : {});
  return pickInstances(all, t);
}

/** The running current instance, for exec and port-forward. */
export async function runningContainer(runtime: ContainerRuntime, t: PodContainer): Promise<ContainerInstances> {
  const found = await findInstances(runtime, t);
  if (found.current.state !== 'running') throw new ApiError('FAILED_PRECONDITION', `container "${found.name}" in pod "${found.podName}" is not running (${found.current.state})`, { reason: 'BadRequest' });
  return found;
}
