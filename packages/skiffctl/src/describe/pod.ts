// describe pod.
import type { KObject } from '@skiff/api';
import type { Loose } from '../printers/column.js';
import { podSummary } from '../printers/pod-columns.js';
import { conditions, containers, volumes } from './common.js';
import type { DescribeContext } from './context.js';
import { describeTime } from './time.js';

export function describePod(obj: KObject, { w, now }: DescribeContext): void {
  const pod = obj as Loose;
  const spec: Loose = pod.spec ?? {};
  const status: Loose = pod.status ?? {};
  w.kv(0, 'Node', spec.nodeName ? `${spec.nodeName}${status.hostIP ? `/${status.hostIP}` : ''}` : '<none>');
  if (status.startTime) w.kv(0, 'Start Time', describeTime(status.startTime));
  w.kv(0, 'Status', podSummary(obj, now).status === 'Terminating' ? 'Terminating' : status.phase || 'Pending');
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
  containers(w, 0, 'Init Containers', spec.initContainers ?? [], status.initContainerStatuses ?? []);
  containers(w, 0, 'Containers', spec.containers ?? [], status.containerStatuses ?? []);
  conditions(w, status.conditions, false);
  volumes(w, 0, spec.volumes ?? []);
  w.kv(0, 'QoS Class', status.qosClass || '<none>');
  const sel = Object.entries((spec.nodeSelector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  w.kv(0, 'Node-Selectors', sel.length > 0 ? sel.join('\n') : '<none>');
  const tol = ((spec.tolerations ?? []) as Loose[]).map(
    (t) =>
      `${t.key ?? ''}${t.operator === 'Exists' ? '' : `=${t.value ?? ''}`}${t.effect ? `:${t.effect}` : ''}${t.operator === 'Exists' && !t.key ? ' op=Exists' : ''}${t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : ''}`,
  );
  w.kv(0, 'Tolerations', tol.length > 0 ? tol.join('\n') : '<none>');
}
