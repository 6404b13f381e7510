// A pod spec's containers as the API reports them (the kubelet's convertToAPIContainerStatuses):
// the newest instance gives state, the one before it lastState; a container held back says why it
// waits (CrashLoopBackOff, ErrImagePull...) with its last termination as lastState; one never made
// waits as ContainerCreating (PodInitializing for app containers behind init containers).
import type { Container, ContainerState, ContainerStatus as ApiContainerStatus } from '@skiff/api';
import type { ContainerStatus } from '../runtime/runtime.js';
import type { Waiting } from '../sync/actions.js';
import { instancesOf, type PodRuntimeState } from '../sync/pod-state.js';
import { noProbes, type ProbeResults } from '../probe/probe-results.js';

export function containerIdOf(runtimeName: string, id: string): string {
  return `${runtimeName}://${id}`;
}

function stateOf(c: ContainerStatus, runtimeName: string): ContainerState {
  if (c.state === 'running') return { running: { startedAt: c.startedAt ?? c.createdAt } };
  if (c.state === 'exited') {
    const t: NonNullable<ContainerState['terminated']> = { exitCode: c.exitCode ?? 0, containerID: containerIdOf(runtimeName, c.id) };
    if (c.reason) t.reason = c.reason;
    if (c.message) t.message = c.message;
    if (c.startedAt) t.startedAt = c.startedAt;
    if (c.finishedAt) t.finishedAt = c.finishedAt;
    return { terminated: t };
  }
  return { waiting: { reason: 'ContainerCreating' } };
}

export interface ContainerStatusInput {
  containers: readonly Container[];
  state: PodRuntimeState;
  waiting: ReadonlyMap<string, Waiting>;
  runtimeName: string;
  /** the reason for a container not made yet */
  defaultWaiting: string;
  /** readiness and startup of running containers (default: running is ready) */
  probes?: ProbeResults;
  podUid?: string;
}

export function containerStatuses(input: ContainerStatusInput): ApiContainerStatus[] {
  return input.containers.map((spec) => {
    const { latest, previous } = instancesOf(input.state, spec.name);
    const held = input.waiting.get(spec.name);
    const out: ApiContainerStatus = { name: spec.name, ready: false, restartCount: latest?.restartCount ?? 0, image: spec.image ?? '', imageID: '', started: false };
    if (!latest) {
      out.state = { waiting: held ? { ...held } : { reason: input.defaultWaiting } };
      return out;
    }
    out.imageID = latest.imageId;
    out.containerID = containerIdOf(input.runtimeName, latest.id);
    if (held && latest.state === 'exited') {
      out.state = { waiting: { ...held } };
      out.lastState = stateOf(latest, input.runtimeName);
      return out;
    }
    out.state = stateOf(latest, input.runtimeName);
    if (previous?.state === 'exited') out.lastState = stateOf(previous, input.runtimeName);
    const running = latest.state === 'running';
    const probed = (input.probes ?? noProbes).status(input.podUid ?? '', spec, latest.id, running);
    out.ready = probed.ready;
    out.started = probed.started;
    return out;
  });
}
