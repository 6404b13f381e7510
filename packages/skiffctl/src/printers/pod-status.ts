// A pod's READY, STATUS and RESTARTS as kubectl's printPod computes them: the phase (or
// status.reason, or SchedulingGated), refined by the first init container not done (Init:N/M,
// Init:<reason>, Init:ExitCode:N), then by the containers (their waiting or terminated reasons,
// Completed back to Running/NotReady while one still runs), then by deletion (Terminating, or
// Unknown for a pod whose node was lost). RESTARTS adds "(5m ago)" after the last restart.
import type { KObject } from '@skiff/api';
import { humanDuration } from '../age.js';
import { loose, type Loose } from './column.js';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** status.reason of pods on a node that stopped answering (Kubernetes' NodeUnreachablePodReason). */
const NODE_LOST = 'NodeLost';

const conditionTrue = (status: Loose, type: string): boolean => ((status.conditions ?? []) as Loose[]).some((c) => c.type === type && c.status === 'True');

/** The later of `t` and the container's last termination time. */
function lastTermination(cs: Loose, t: number | undefined): number | undefined {
  const finished = Date.parse(cs.lastState?.terminated?.finishedAt ?? '');
  return !Number.isNaN(finished) && (t === undefined || finished > t) ? finished : t;
}

/** The status of the first init container that has not succeeded, or undefined when all have. */
function initReason(cs: Loose, index: number, total: number): string | undefined {
  const term = cs.state?.terminated;
  const wait = cs.state?.waiting;
  if (term && (term.exitCode ?? 0) === 0) return undefined;
  if (term) return term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
  if (wait?.reason && wait.reason !== 'PodInitializing') return `Init:${wait.reason}`;
  return `Init:${index}/${total}`;
}

export function podSummary(pod: KObject, now: number): PodSummary {
  const p = loose(pod);
  const status: Loose = p.status ?? {};
  const phase: string = status.phase ?? '';
  let reason: string = status.reason || phase || 'Pending';
  if (((status.conditions ?? []) as Loose[]).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  let restarts = 0;
  let lastRestart: number | undefined;
  let readyContainers = 0;

  let initializing = false;
  const initStatuses: Loose[] = status.initContainerStatuses ?? [];
  const initTotal = ((p.spec?.initContainers ?? []) as unknown[]).length;
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    lastRestart = lastTermination(cs, lastRestart);
    const r = initReason(cs, i, initTotal);
    if (r === undefined) continue;
    reason = r;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status, 'Initialized')) {
    restarts = 0;
    lastRestart = undefined;
    let hasRunning = false;
    const statuses: Loose[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      lastRestart = lastTermination(cs, lastRestart);
      const term = cs.state?.terminated;
      const wait = cs.state?.waiting;
      if (wait?.reason) reason = wait.reason;
      else if (term?.reason) reason = term.reason;
      else if (term) reason = term.signal ? `Signal:${term.signal}` : `ExitCode:${term.exitCode ?? 0}`;
      else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(status, 'Ready') ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && status.reason === NODE_LOST) reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  const total = ((p.spec?.containers ?? []) as unknown[]).length;
  const restartsText = restarts !== 0 && lastRestart !== undefined ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${readyContainers}/${total}`, status: reason, restarts: restartsText };
}

/** READINESS GATES: how many of the pod's gates have a True condition, or <none>. */
export function readinessGates(pod: KObject): string {
  const p = loose(pod);
  const gates: Loose[] = p.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions: Loose[] = p.status?.conditions ?? [];
  const met = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${met}/${gates.length}`;
}
