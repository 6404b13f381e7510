// Columns of Node, Namespace, ConfigMap, Secret, Lease and Event.
import type { KObject } from '@skiff/api';
import { age } from '../age.js';
import { AGE, NAME, col, loose, type Column, type Loose } from './column.js';

/** `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` for a cordoned node. */
export function nodeStatus(node: KObject): string {
  const conds: Loose[] = loose(node).status?.conditions ?? [];
  const ready = conds.find((c) => c.type === 'Ready');
  let s = ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown';
  if (loose(node).spec?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

/** From the `node-role.kubernetes.io/<role>` labels (and `kubernetes.io/role`). */
export function nodeRoles(node: KObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

function nodeAddress(node: KObject, type: string): string {
  const a = ((loose(node).status?.addresses ?? []) as Loose[]).find((x) => x.type === type);
  return a?.address || '<none>';
}

const info = (o: KObject): Loose => loose(o).status?.nodeInfo ?? {};

export const nodeColumns: Column[] = [
  NAME,
  col('STATUS', nodeStatus),
  col('ROLES', nodeRoles),
  AGE,
  col('VERSION', (o) => info(o).kubeletVersion || ''),
  col('INTERNAL-IP', (o) => nodeAddress(o, 'InternalIP'), true),
  col('EXTERNAL-IP', (o) => nodeAddress(o, 'ExternalIP'), true),
  col('OS-IMAGE', (o) => info(o).osImage || '<unknown>', true),
  col('KERNEL-VERSION', (o) => info(o).kernelVersion || '<unknown>', true),
  col('CONTAINER-RUNTIME', (o) => info(o).containerRuntimeVersion || '<unknown>', true),
];

export const namespaceColumns: Column[] = [NAME, col('STATUS', (o) => loose(o).status?.phase || 'Active'), AGE];

const count = (m: unknown): number => (m && typeof m === 'object' ? Object.keys(m).length : 0);

export const configMapColumns: Column[] = [NAME, col('DATA', (o) => String(count(loose(o).data) + count(loose(o).binaryData))), AGE];

export const secretColumns: Column[] = [NAME, col('TYPE', (o) => loose(o).type || 'Opaque'), col('DATA', (o) => String(count(loose(o).data))), AGE];

export const leaseColumns: Column[] = [NAME, col('HOLDER', (o) => loose(o).spec?.holderIdentity || ''), AGE];

/** When an event was last seen: its series, lastTimestamp, eventTime, else its creation. */
export function eventLastSeen(ev: KObject): string | undefined {
  const e = loose(ev);
  return e.series?.lastObservedTime || e.lastTimestamp || e.eventTime || e.metadata?.creationTimestamp;
}

export function eventFirstSeen(ev: KObject): string | undefined {
  const e = loose(ev);
  return e.firstTimestamp || e.eventTime || e.metadata?.creationTimestamp;
}

export function eventCount(ev: KObject): number {
  const e = loose(ev);
  return e.series?.count ?? e.count ?? 1;
}

export function eventSource(ev: KObject): string {
  const e = loose(ev);
  const component: string = e.source?.component || e.reportingComponent || '';
  const host: string = e.source?.host || '';
  return [component, host].filter(Boolean).join(', ');
}

export const eventColumns: Column[] = [
  col('LAST SEEN', (o, c) => age(eventLastSeen(o), c.now)),
  col('TYPE', (o) => loose(o).type || ''),
  col('REASON', (o) => loose(o).reason || ''),
  col('OBJECT', (o) => {
    const ref: Loose = loose(o).involvedObject ?? {};
    return `${String(ref.kind ?? '').toLowerCase()}/${ref.name ?? ''}`;
  }),
  col('SUBOBJECT', (o) => loose(o).involvedObject?.fieldPath || '', true),
  col('SOURCE', eventSource, true),
  col('MESSAGE', (o) => String(loose(o).message ?? '').trim()),
  col('FIRST SEEN', (o, c) => age(eventFirstSeen(o), c.now), true),
  col('COUNT', (o) => String(eventCount(o)), true),
  col('NAME', (o) => o.metadata.name ?? '', true),
];
