// describe service and endpoints.
import { isApiError, type KObject } from '@skiff/api';
import { formatMap, type Loose } from '../printers/column.js';
import { endpointsList } from '../printers/service-columns.js';
import type { DescribeContext } from './context.js';

export async function describeService(obj: KObject, { w, client }: DescribeContext): Promise<void> {
  const spec: Loose = (obj as Loose).spec ?? {};
  w.kv(0, 'Selector', formatMap(spec.selector));
  const type = spec.type || 'ClusterIP';
  w.kv(0, 'Type', type);
  if (spec.ipFamilyPolicy) w.kv(0, 'IP Family Policy', spec.ipFamilyPolicy);
  if (spec.ipFamilies) w.kv(0, 'IP Families', (spec.ipFamilies as string[]).join(','));
  w.kv(0, 'IP', spec.clusterIP || '<none>');
  w.kv(0, 'IPs', ((spec.clusterIPs as string[] | undefined) ?? (spec.clusterIP ? [spec.clusterIP] : [])).join(',') || '<none>');
  if (spec.externalIPs) w.kv(0, 'External IPs', (spec.externalIPs as string[]).join(','));
  if (type === 'ExternalName') w.kv(0, 'External Name', spec.externalName ?? '');
  let ep: KObject | undefined;
  try {
    ep = await client.get('endpoints', obj.metadata.namespace ?? '', obj.metadata.name ?? '');
  } catch (e) {
    if (!isApiError(e, 'NOT_FOUND')) throw e;
  }
  for (const p of (spec.ports ?? []) as Loose[]) {
    const name = p.name || '<unset>';
    const proto = p.protocol || 'TCP';
    w.kv(0, 'Port', `${name}  ${p.port}/${proto}`);
    const tp = p.targetPort ?? p.port;
    w.kv(0, 'TargetPort', typeof tp === 'number' ? `${tp}/${proto}` : `${tp}/${proto}`);
    if (p.nodePort) w.kv(0, 'NodePort', `${name}  ${p.nodePort}/${proto}`);
    w.kv(0, 'Endpoints', ep ? endpointsForPort(ep, p.name) : '<none>');
  }
  if ((spec.ports ?? []).length === 0) w.kv(0, 'Endpoints', ep ? endpointsList(ep) : '<none>');
  w.kv(0, 'Session Affinity', spec.sessionAffinity || 'None');
  if (type === 'NodePort' || type === 'LoadBalancer') w.kv(0, 'External Traffic Policy', spec.externalTrafficPolicy || 'Cluster');
  if (spec.internalTrafficPolicy) w.kv(0, 'Internal Traffic Policy', spec.internalTrafficPolicy);
}

/** The endpoints of one service port (matched by port name, as the endpoints controller names them). */
function endpointsForPort(ep: KObject, portName: string | undefined): string {
  const subsets = ((ep as Loose).subsets ?? []) as Loose[];
  const filtered = subsets.map((s) => ({ ...s, ports: ((s.ports ?? []) as Loose[]).filter((p) => (p.name ?? '') === (portName ?? '')) }));
  return endpointsList({ ...ep, subsets: filtered } as KObject, 3);
}

export function describeEndpoints(obj: KObject, { w }: DescribeContext): void {
  const subsets = ((obj as Loose).subsets ?? []) as Loose[];
  if (subsets.length === 0) {
    w.kv(0, 'Subsets', '<none>');
    return;
  }
  w.text(0, 'Subsets:');
  for (const s of subsets) {
    const ips = (list: Loose[] | undefined): string => ((list ?? []).map((a) => a.ip).join(',') || '<none>');
    w.kv(2, 'Addresses', ips(s.addresses));
    w.kv(2, 'NotReadyAddresses', ips(s.notReadyAddresses));
    w.text(2, 'Ports:');
    w.table(4, ['Name', 'Port', 'Protocol'], ((s.ports ?? []) as Loose[]).map((p) => [p.name || '<unset>', String(p.port), p.protocol || 'TCP']));
  }
}
