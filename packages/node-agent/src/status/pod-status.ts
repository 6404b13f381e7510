// A pod's status as the kubelet computes it (generateAPIPodStatus): phase, the conditions
// PodScheduled, Initialized, ContainersReady and Ready (a transition time kept while a condition's
// status stays), pod and host IPs, start time, QoS class and container statuses.
import type { Pod, PodCondition, PodStatus } from '@skiff/api';
import { compareStrings } from '@skiff/api';
import { podQOSClass } from '../spec/qos.js';
import type { Waiting } from '../sync/actions.js';
import type { PodRuntimeState } from '../sync/pod-state.js';
import { containerStatuses } from './container-statuses.js';
import { podPhase } from './phase.js';
import type { ProbeResults } from '../probe/probe-results.js';

export interface PodStatusInput {
  pod: Pod;
  state: PodRuntimeState;
  waiting: ReadonlyMap<string, Waiting>;
  runtimeName: string;
  hostIP: string;
  nowIso: string;
  /** the pod was stopped for its deletion: a terminal phase once every container stopped */
  terminating?: boolean;
  /** readiness and startup from the probes */
  probes?: ProbeResults;
  /** the pod failed for a reason of its own (DeadlineExceeded): phase Failed with it */
  failed?: { reason: string; message: string };
}

function condition(type: string, ok: boolean, prev: readonly PodCondition[], nowIso: string, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = prev.find((c) => c.type === type);
  const c: PodCondition = { type, status, lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : nowIso };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

export function computePodStatus(input: PodStatusInput): PodStatus {
  const { pod, state, nowIso } = input;
  const spec = pod.spec ?? { containers: [] };
  const old = pod.status ?? {};
  const prevConditions = old.conditions ?? [];
  const inits = spec.initContainers ?? [];
  const initStatuses = containerStatuses({ containers: inits, state, waiting: input.waiting, runtimeName: input.runtimeName, defaultWaiting: 'PodInitializing' });
  const initialized = initStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  const appStatuses = containerStatuses({
    containers: spec.containers,
    state,
    waiting: input.waiting,
    runtimeName: input.runtimeName,
    ...(input.probes ? { probes: input.probes, podUid: pod.metadata.uid ?? '' } : {}),
    defaultWaiting: initialized ? 'ContainerCreating' : 'PodInitializing',
  });
  const phase = input.failed ? 'Failed' : podPhase(spec, initStatuses, appStatuses, old.phase, input.terminating);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = appStatuses.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const readyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const conditions: PodCondition[] = [
    condition('Initialized', initialized || terminal, prevConditions, nowIso, 'ContainersNotInitialized', `containers with incomplete status: [${incomplete.join(' ')}]`),
    condition('Ready', unready.length === 0 && !terminal, prevConditions, nowIso, readyReason, readyMessage),
    condition('ContainersReady', unready.length === 0 && !terminal, prevConditions, nowIso, readyReason, readyMessage),
  ];
  const scheduled = prevConditions.find((c) => c.type === 'PodScheduled');
  conditions.push(scheduled ?? condition('PodScheduled', true, [], nowIso));
  const status: PodStatus = { phase, conditions, hostIP: input.hostIP, hostIPs: [{ ip: input.hostIP }], startTime: old.startTime ?? nowIso, qosClass: podQOSClass(spec) };
  const sandbox = state.sandboxes[0];
  const ip = sandbox?.state === 'ready' ? (sandbox.hostNetwork ? input.hostIP : sandbox.ip) : (old.podIP ?? undefined);
  if (ip) {
    status.podIP = ip;
    status.podIPs = [{ ip }];
  }
  if (inits.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = appStatuses;
  if (old.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  const reason = input.failed ?? (old.phase === 'Failed' && old.reason ? { reason: old.reason, message: old.message ?? '' } : undefined);
  if (reason) {
    status.reason = reason.reason;
    status.message = reason.message;
  }
  return status;
}

/** A status's canonical form: equal keys say the same (key order and condition order aside). */
export function statusKey(s: PodStatus | undefined): string {
  const v = s ?? {};
  return canonical({ ...v, conditions: [...(v.conditions ?? [])].sort((x, y) => compareStrings(x.type, y.type)) });
}

/** Whether two statuses say the same (key order and condition order aside): only a change is written. */
export function statusEqual(a: PodStatus | undefined, b: PodStatus): boolean {
  return statusKey(a) === statusKey(b);
}

/** JSON with object keys sorted and zero values dropped (the wire drops them too). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined && x !== null && x !== '' && x !== false && x !== 0 && !(Array.isArray(x) && x.length === 0))
      .sort(([a], [b]) => compareStrings(a, b));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
