// What a sync must do to bring a pod's runtime state to its spec (the kubelet's computePodActions),
// as a pure function: make the sandbox again when it is missing or dead, run init containers one
// at a time in order, then start the app containers that are missing or should restart under the
// restart policy (Always, OnFailure, Never), holding back those within their crash-loop back-off,
// and replace a running container whose spec changed.
import type { Container, Pod } from '@skiff/api';
import { containerSpecHash } from '../spec/container-config.js';
import type { ContainerStatus } from '../runtime/runtime.js';
import type { CrashBackoff } from './backoff.js';
import { formatGoDuration } from '../go-duration.js';
import { noProbes, type ProbeResults } from '../probe/probe-results.js';
import { instancesOf, timeMs, type PodRuntimeState } from './pod-state.js';

export interface ContainerToStart {
  container: Container;
  init: boolean;
  restartCount: number;
  /** a restart of an exited container (the back-off doubles) */
  restart: boolean;
}

export interface Waiting {
  reason: string;
  message: string;
}

export interface PodActions {
  createSandbox: boolean;
  /** the new sandbox's attempt */
  attempt: number;
  /** sandboxes to stop before the new one is made */
  stopSandboxIds: string[];
  /** `message`: the Killing event's message when it is not "Stopping container <name>" */
  kill: { id: string; name: string; reason: string; message?: string }[];
  start: ContainerToStart[];
  /** containers held back, by name */
  waiting: Map<string, Waiting>;
  /** when a held-back container may start */
  retryAfterMs?: number;
}

export function restartPolicyOf(pod: Pod): 'Always' | 'OnFailure' | 'Never' {
  const p = pod.spec?.restartPolicy;
  return p === 'OnFailure' || p === 'Never' ? p : 'Always';
}

export function backoffKey(pod: Pod, name: string): string {
  return `${pod.metadata.uid ?? ''}/${name}`;
}

function shouldRestart(policy: 'Always' | 'OnFailure' | 'Never', exitCode: number | undefined): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

function succeeded(c: ContainerStatus | undefined): boolean {
  return c?.state === 'exited' && c.exitCode === 0;
}

/** a container that ran this long before it exited starts its back-off over */
export const BACKOFF_RESET_RUNNING_MS = 10 * 60_000;

export function computePodActions(pod: Pod, state: PodRuntimeState, backoff: CrashBackoff, nowMs: number, probes: ProbeResults = noProbes): PodActions {
  const spec = pod.spec ?? { containers: [] };
  const policy = restartPolicyOf(pod);
  const actions: PodActions = { createSandbox: false, attempt: 0, stopSandboxIds: [], kill: [], start: [], waiting: new Map() };
  const sandbox = state.sandboxes[0];
  const inits = spec.initContainers ?? [];

  const startFresh = (c: Container, init: boolean) => {
    const { latest } = instancesOf(state, c.name);
    actions.start.push({ container: c, init, restartCount: latest ? latest.restartCount + 1 : 0, restart: false });
  };
  const tryRestart = (c: Container, init: boolean, latest: ContainerStatus) => {
    const key = backoffKey(pod, c.name);
    if (latest.startedAt && timeMs(latest.finishedAt) - timeMs(latest.startedAt) >= BACKOFF_RESET_RUNNING_MS) backoff.reset(key);
    // an instance that never ran (RunContainerError) has no finish time: its creation is when it failed
    const left = backoff.remaining(key, timeMs(latest.finishedAt ?? latest.createdAt), nowMs);
    if (left > 0) {
      // the kubelet prints its time.Duration: "back-off 10s", "back-off 2m40s", "back-off 5m0s"
      const delay = formatGoDuration(Math.round(backoff.delayMs(key, nowMs) / 1000) * 1000);
      actions.waiting.set(c.name, {
        reason: 'CrashLoopBackOff',
        message: `back-off ${delay} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`,
      });
      actions.retryAfterMs = Math.min(actions.retryAfterMs ?? Infinity, left);
      return;
    }
    actions.start.push({ container: c, init, restartCount: latest.restartCount + 1, restart: true });
  };

  if (sandbox?.state !== 'ready') {
    // A pod that ran to its end under Never (or OnFailure, all succeeded) is not started again.
    const ran = sandbox !== undefined && state.containers.length > 0;
    const allSucceeded = spec.containers.every((c) => succeeded(instancesOf(state, c.name).latest));
    if (ran && (policy === 'Never' || (policy === 'OnFailure' && allSucceeded))) return actions;
    actions.createSandbox = true;
    actions.attempt = sandbox ? sandbox.attempt + 1 : 0;
    actions.stopSandboxIds = state.sandboxes.filter((s) => s.state === 'ready').map((s) => s.id);
    for (const c of state.containers) if (c.state === 'running' || c.state === 'created') actions.kill.push({ id: c.id, name: c.name, reason: 'the pod sandbox changed' });
    if (inits[0]) startFresh(inits[0], true);
    else for (const c of spec.containers) startFresh(c, false);
    return actions;
  }

  for (const c of inits) {
    const { latest } = instancesOf(state, c.name);
    if (!latest) return startFresh(c, true), actions;
    if (latest.state === 'running' || latest.state === 'created' || latest.state === 'unknown') return actions;
    if (latest.exitCode === 0) continue;
    if (policy !== 'Never') tryRestart(c, true, latest);
    return actions; // under Never a failed init container fails the pod
  }

  for (const c of spec.containers) {
    const { latest } = instancesOf(state, c.name);
    if (!latest) {
      startFresh(c, false);
    } else if (latest.state === 'running') {
      const failed = probes.status(pod.metadata.uid ?? '', c, latest.id, true).failed;
      if (failed) {
        const restart = policy !== 'Never';
        actions.kill.push({ id: latest.id, name: c.name, reason: failed, message: `Container ${c.name} failed ${failed} probe${restart ? ', will be restarted' : ''}` });
        if (restart) actions.start.push({ container: c, init: false, restartCount: latest.restartCount + 1, restart: false });
      } else if (latest.specHash !== undefined && latest.specHash !== containerSpecHash(c)) {
        actions.kill.push({ id: latest.id, name: c.name, reason: `Container ${c.name} definition changed, will be restarted` });
        actions.start.push({ container: c, init: false, restartCount: latest.restartCount + 1, restart: false });
      }
    } else if (latest.state === 'exited') {
      if (shouldRestart(policy, latest.exitCode)) tryRestart(c, false, latest);
    } else {
      // created but never started (the agent stopped in between) or unknown: made again
      actions.kill.push({ id: latest.id, name: c.name, reason: 'the container was not started' });
      actions.start.push({ container: c, init: false, restartCount: latest.restartCount + 1, restart: false });
    }
  }
  return actions;
}
