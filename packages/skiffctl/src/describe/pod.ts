// describe pod, in kubectl's order: priority and service account, node, start time, status (with
// Terminating and the grace period), IPs, nominated node, Placement (the scheduler's explanation,
// placement.ts), containers with their state, readiness gates, conditions, volumes, QoS class, node
// selectors and tolerations (events follow, from describe.ts).
import type { KObject } from '@skiff/api';
import { age } from '../age.js';
import type { Loose } from '../printers/column.js';
import { conditions, containers } from './common.js';
import type { DescribeContext } from './context.js';
import { placement } from './placement.js';
import { describeTime } from './time.js';
import { volumes } from './volumes.js';

/** As kubectl: `key=value:Effect`, ` op=Exists` for an Exists without value, ` for 300s`. */
export function toleration(t: Loose): string {
  const key: string = t.key ?? '';
  const effect: string = t.effect ?? '';
  let out = key;
  if (t.value) out += `=${t.value}`;
  if (effect) out += `:${effect}`;
  if (t.operator === 'Exists' && !t.value) out += key || effect ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) out += ` for ${t.tolerationSeconds}s`;
  return out;
}

export function describePod(obj: KObject, { w, now }: DescribeContext): void {
  const pod = obj as Loose;
  const spec: Loose = pod.spec ?? {};
  const status: Loose = pod.status ?? {};
  if (spec.priority !== undefined) w.kv(0, 'Priority', spec.priority);
  if (spec.priorityClassName) w.kv(0, 'Priority Class Name', spec.priorityClassName);
  w.kv(0, 'Service Account', spec.serviceAccountName || 'default');
  w.kv(0, 'Node', spec.nodeName ? `${spec.nodeName}${status.hostIP ? `/${status.hostIP}` : ''}` : '<none>');
  if (status.startTime) w.kv(0, 'Start Time', describeTime(status.startTime));
  const phase: string = status.phase || 'Pending';
  if (obj.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    w.kv(0, 'Status', `Terminating (lasts ${age(obj.metadata.deletionTimestamp, now)})`);
    w.kv(0, 'Termination Grace Period', `${obj.metadata.deletionGracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30}s`);
  } else {
    w.kv(0, 'Status', phase);
  }
  if (status.reason) w.kv(0, 'Reason', status.reason);
  if (status.message) w.kv(0, 'Message', status.message);
  w.kv(0, 'IP', status.podIP || '');
  const ips = ((status.podIPs ?? []) as Loose[]).map((x) => x.ip);
  if (ips.length > 0) {
    w.text(0, 'IPs:');
    for (const ip of ips) w.kv(2, 'IP', ip);
  } else {
    w.kv(0, 'IPs', '<none>');
  }
  if (status.nominatedNodeName) w.kv(0, 'Nominated Node Name', status.nominatedNodeName);
  placement(w, obj);
  containers(w, 0, 'Init Containers', spec.initContainers ?? [], status.initContainerStatuses ?? [], pod);
  containers(w, 0, 'Containers', spec.containers ?? [], status.containerStatuses ?? [], pod);
  const gates = (spec.readinessGates ?? []) as Loose[];
  if (gates.length > 0) {
    w.text(0, 'Readiness Gates:');
    const conds = (status.conditions ?? []) as Loose[];
    w.table(2, ['Type', 'Status'], gates.map((g) => [g.conditionType, conds.find((c) => c.type === g.conditionType)?.status ?? '<none>']), false);
  }
  conditions(w, status.conditions, false, false);
  volumes(w, 0, spec.volumes ?? []);
  w.kv(0, 'QoS Class', status.qosClass || '<none>');
  const sel = Object.entries((spec.nodeSelector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  w.kv(0, 'Node-Selectors', sel.length > 0 ? sel.join('\n') : '<none>');
  const tol = ((spec.tolerations ?? []) as Loose[]).map(toleration);
  w.kv(0, 'Tolerations', tol.length > 0 ? tol.join('\n') : '<none>');
}
