// Service and Endpoints columns.
import type { KObject } from '@skiff/api';
import { AGE, NAME, col, formatMap, loose, type Column, type Loose } from './column.js';

/** `80/TCP`, `80:30080/TCP` with a node port, comma-separated; `<none>` without ports. */
export function servicePorts(svc: KObject): string {
  const ports: Loose[] = loose(svc).spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol || 'TCP'}`).join(',');
}

export function externalIP(svc: KObject): string {
  const spec: Loose = loose(svc).spec ?? {};
  const type = spec.type || 'ClusterIP';
  const external: string[] = spec.externalIPs ?? [];
  if (type === 'ExternalName') return spec.externalName || '<none>';
  if (type === 'LoadBalancer') {
    const ingress: Loose[] = loose(svc).status?.loadBalancer?.ingress ?? [];
    const ips = [...ingress.map((i) => i.ip || i.hostname).filter(Boolean), ...external];
    return ips.length > 0 ? ips.join(',') : '<pending>';
  }
  return external.length > 0 ? external.join(',') : '<none>';
}

/** `10.244.1.5:80,10.244.2.3:80 + 2 more...`, as kubectl shortens it; `<none>` when empty. */
export function endpointsList(ep: KObject, max = 3): string {
  const all: string[] = [];
  for (const s of (loose(ep).subsets ?? []) as Loose[]) {
    const ports: Loose[] = s.ports ?? [];
    for (const a of (s.addresses ?? []) as Loose[]) {
      if (ports.length === 0) all.push(a.ip);
      else for (const p of ports) all.push(`${a.ip}:${p.port}`);
    }
  }
  if (all.length === 0) return '<none>';
  const shown = all.slice(0, max).join(',');
  return all.length > max ? `${shown} + ${all.length - max} more...` : shown;
}

export const serviceColumns: Column[] = [
  NAME,
  col('TYPE', (o) => loose(o).spec?.type || 'ClusterIP'),
  col('CLUSTER-IP', (o) => loose(o).spec?.clusterIP || '<none>'),
  col('EXTERNAL-IP', externalIP),
  col('PORT(S)', servicePorts),
  AGE,
  col('SELECTOR', (o) => formatMap(loose(o).spec?.selector), true),
];

export const endpointsColumns: Column[] = [NAME, col('ENDPOINTS', (o) => endpointsList(o)), AGE];
