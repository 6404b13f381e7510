// describe node, namespace, configmap, secret, lease, and anything else (its fields as YAML).
import type { KObject } from '@skiff/api';
import { stringify } from 'yaml';
import { age } from '../age.js';
import type { Loose } from '../printers/column.js';
import { nodeRoles } from '../printers/cluster-columns.js';
import { podSummary } from '../printers/pod-status.js';
import type { DescribeContext } from './context.js';
import { describeTime } from './time.js';

export async function describeNode(obj: KObject, { w, client, now }: DescribeContext): Promise<void> {
  const n = obj as Loose;
  const spec: Loose = n.spec ?? {};
  const st: Loose = n.status ?? {};
  w.kv(0, 'Roles', nodeRoles(obj));
  const taints = ((spec.taints ?? []) as Loose[]).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  w.kv(0, 'Taints', taints.length > 0 ? taints.join('\n') : '<none>');
  w.kv(0, 'Unschedulable', spec.unschedulable ? 'true' : 'false');
  const conds = (st.conditions ?? []) as Loose[];
  if (conds.length > 0) {
    w.text(0, 'Conditions:');
    w.table(
      2,
      ['Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message'],
      conds.map((c) => [c.type, c.status, describeTime(c.lastHeartbeatTime), describeTime(c.lastTransitionTime), c.reason ?? '', c.message ?? '']),
    );
  }
  const addrs = (st.addresses ?? []) as Loose[];
  if (addrs.length > 0) {
    w.text(0, 'Addresses:');
    for (const a of addrs) w.kv(2, a.type, a.address);
  }
  for (const [title, list] of [['Capacity', st.capacity], ['Allocatable', st.allocatable]] as const) {
    if (!list) continue;
    w.text(0, `${title}:`);
    for (const [k, v] of Object.entries(list as Record<string, string>)) w.kv(2, k, v);
  }
  const info: Loose = st.nodeInfo ?? {};
  if (Object.keys(info).length > 0) {
    w.text(0, 'System Info:');
    const label: Record<string, string> = {
      machineID: 'Machine ID',
      systemUUID: 'System UUID',
      bootID: 'Boot ID',
      kernelVersion: 'Kernel Version',
      osImage: 'OS Image',
      operatingSystem: 'Operating System',
      architecture: 'Architecture',
      containerRuntimeVersion: 'Container Runtime Version',
      kubeletVersion: 'Kubelet Version',
      kubeProxyVersion: 'Kube-Proxy Version',
    };
    for (const [k, v] of Object.entries(info)) w.kv(2, label[k] ?? k, String(v));
  }
  if (spec.podCIDR) w.kv(0, 'PodCIDR', spec.podCIDR);
  if (spec.podCIDRs) w.kv(0, 'PodCIDRs', (spec.podCIDRs as string[]).join(','));
  try {
    const { items } = await client.list('pods', { fieldSelector: `spec.nodeName=${obj.metadata.name}` });
    const running = items.filter((p) => !['Succeeded', 'Failed'].includes((p as Loose).status?.phase));
    w.text(0, `Non-terminated Pods:          (${running.length} in total)`);
    w.table(
      2,
      ['Namespace', 'Name', 'Status', 'Age'],
      running.map((p) => [p.metadata.namespace ?? '', p.metadata.name ?? '', podSummary(p, now).status, age(p.metadata.creationTimestamp, now)]),
    );
  } catch {
    // Listing the node's pods is a nicety.
  }
}

export function describeNamespace(obj: KObject, { w }: DescribeContext): void {
  w.kv(0, 'Status', (obj as Loose).status?.phase || 'Active');
}

export function describeConfigMap(obj: KObject, { w }: DescribeContext): void {
  const cm = obj as Loose;
  w.text(0, '');
  w.text(0, 'Data');
  w.text(0, '====');
  for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) {
    w.text(0, `${k}:`);
    w.text(0, '----');
    w.text(0, v);
    w.text(0, '');
  }
  w.text(0, '');
  w.text(0, 'BinaryData');
  w.text(0, '====');
  for (const [k, v] of Object.entries((cm.binaryData ?? {}) as Record<string, string>)) w.text(0, `${k}: ${Buffer.from(v, 'base64').length} bytes`);
  w.text(0, '');
}

export function describeSecret(obj: KObject, { w }: DescribeContext): void {
  const s = obj as Loose;
  w.text(0, '');
  w.kv(0, 'Type', s.type || 'Opaque');
  w.text(0, '');
  w.text(0, 'Data');
  w.text(0, '====');
  for (const [k, v] of Object.entries((s.data ?? {}) as Record<string, string>)) w.kv(0, k, `${Buffer.from(v, 'base64').length} bytes`);
}

export function describeLease(obj: KObject, { w }: DescribeContext): void {
  const spec: Loose = (obj as Loose).spec ?? {};
  w.kv(0, 'Holder Identity', spec.holderIdentity || '<none>');
  w.kv(0, 'Lease Duration Seconds', spec.leaseDurationSeconds ?? '<none>');
  w.kv(0, 'Acquire Time', describeTime(spec.acquireTime));
  w.kv(0, 'Renew Time', describeTime(spec.renewTime));
  w.kv(0, 'Lease Transitions', spec.leaseTransitions ?? 0);
}

/** Kinds without a describer: every field besides metadata, as indented YAML under its name. */
export function describeGeneric(obj: KObject, { w }: DescribeContext): void {
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata' || v === undefined) continue;
    const title = k.charAt(0).toUpperCase() + k.slice(1);
    if (v === null || typeof v !== 'object') {
      w.kv(0, title, String(v));
      continue;
    }
    w.text(0, `${title}:`);
    for (const l of stringify(v, { lineWidth: 0 }).trimEnd().split('\n')) w.text(2, l);
  }
}
