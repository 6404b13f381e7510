// Pod columns: READY, STATUS and RESTARTS computed as kubectl's printPod does.
import type { KObject } from '@skiff/api';
import { humanDuration } from '../age.js';
import { AGE, NAME, col, loose, type Column, type Loose } from './column.js';

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** kubectl's pod STATUS: the phase, refined by init and container states and deletion. */
export function podSummary(pod: KObject, now: number): PodSummary {
  const p = loose(pod);
  const status: Loose = p.status ?? {};
  const specContainers: unknown[] = p.spec?.containers ?? [];
  const initSpec: unknown[] = p.spec?.initContainers ?? [];
  let reason: string = status.reason || status.phase || 'Pending';
  let restarts = 0;
  let readyContainers = 0;
  let lastRestart: number | undefined;
  const noteRestart = (cs: Loose): void => {
    const t = Date.parse(cs.lastState?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t) && (lastRestart === undefined || t > lastRestart)) lastRestart = t;
  };

  let initializing = false;
  const initStatuses: Loose[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    noteRestart(cs);
    const term = cs.state?.terminated;
    const wait = cs.state?.waiting;
    if (term && (term.exitCode ?? 0) === 0) continue;
    if (term) reason = term.reason ? `Init:${term.reason}` : term.signal ? `Init:Signal:${term.signal}` : `Init:ExitCode:${term.exitCode}`;
    else if (wait?.reason && wait.reason !== 'PodInitializing') reason = `Init:${wait.reason}`;
    else reason = `Init:${i}/${initSpec.length}`;
    initializing = true;
    break;
  }
  if (!initializing) {
    restarts = 0;
    lastRestart = undefined;
    let hasRunning = false;
    const statuses: Loose[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      noteRestart(cs);
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
    if (reason === 'Completed' && hasRunning) {
      const readyCond = ((status.conditions ?? []) as Loose[]).some((c) => c.type === 'Ready' && c.status === 'True');
      reason = readyCond ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const restartsText = lastRestart !== undefined && restarts > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${readyContainers}/${specContainers.length}`, status: reason, restarts: restartsText };
}

export const podColumns: Column[] = [
  NAME,
  col('READY', (o, c) => podSummary(o, c.now).ready),
  col('STATUS', (o, c) => podSummary(o, c.now).status),
  col('RESTARTS', (o, c) => podSummary(o, c.now).restarts),
  AGE,
  col('IP', (o) => loose(o).status?.podIP || '<none>', true),
  col('NODE', (o) => loose(o).spec?.nodeName || '<none>', true),
  col('NOMINATED NODE', (o) => loose(o).status?.nominatedNodeName || '<none>', true),
];
