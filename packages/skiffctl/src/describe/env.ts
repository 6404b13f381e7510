// A container's Environment and "Environment Variables from" in describe, worded as kubectl's
// describeContainerEnvVars: a value, `<set to the key 'k' of config map 'c'>  Optional: false`, a
// field reference resolved from the pod (`web-1 (v1:metadata.name)`), a resource reference.
import type { Loose } from '../printers/column.js';
import type { DescribeWriter } from './writer.js';

/** The value of a downward-API field path of the pod, as kubectl's EnvValueRetriever resolves it. */
export function fieldPathValue(pod: Loose | undefined, path: string): string {
  if (!pod) return '';
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return pod.metadata?.[m[1]!]?.[m[2]!] ?? '';
  const simple: Record<string, (p: Loose) => unknown> = {
    'metadata.name': (p) => p.metadata?.name,
    'metadata.namespace': (p) => p.metadata?.namespace,
    'metadata.uid': (p) => p.metadata?.uid,
    'spec.nodeName': (p) => p.spec?.nodeName,
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName,
    'status.hostIP': (p) => p.status?.hostIP,
    'status.podIP': (p) => p.status?.podIP,
    'status.podIPs': (p) => ((p.status?.podIPs ?? []) as Loose[]).map((x) => x.ip).join(','),
  };
  return String(simple[path]?.(pod) ?? '');
}

/** `NAME:  value`, split at the first `:  ` by the caller to align the values. */
function envLine(e: Loose, container: Loose, pod: Loose | undefined): string {
  const from: Loose | undefined = e.valueFrom;
  if (!from) return `${e.name}:  ${e.value ?? ''}`;
  if (from.fieldRef) return `${e.name}:  ${fieldPathValue(pod, from.fieldRef.fieldPath)} (${from.fieldRef.apiVersion ?? 'v1'}:${from.fieldRef.fieldPath})`;
  if (from.resourceFieldRef) {
    const resource: string = from.resourceFieldRef.resource ?? '';
    const [section, name] = resource.split('.') as [string, string];
    let value: string = container.resources?.[section]?.[name ?? ''] ?? '';
    if (!value && (resource === 'limits.cpu' || resource === 'limits.memory')) value = 'node allocatable';
    return `${e.name}:  ${value} (${resource})`;
  }
  if (from.secretKeyRef) return `${e.name}:  <set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name ?? ''}'>  Optional: ${!!from.secretKeyRef.optional}`;
  if (from.configMapKeyRef) return `${e.name}:  <set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name ?? ''}'>  Optional: ${!!from.configMapKeyRef.optional}`;
  return `${e.name}:  <set from ${Object.keys(from)[0] ?? 'unknown'}>`;
}

export function environment(w: DescribeWriter, indent: number, container: Loose, pod: Loose | undefined): void {
  const envFrom = (container.envFrom ?? []) as Loose[];
  if (envFrom.length > 0) {
    w.text(indent, 'Environment Variables from:');
    for (const e of envFrom) {
      const [from, ref] = e.configMapRef ? ['ConfigMap', e.configMapRef] : ['Secret', e.secretRef ?? {}];
      w.text(indent + 2, `${ref.name ?? ''}  ${from}${e.prefix ? ` with prefix '${e.prefix}'` : ''}  Optional: ${!!ref.optional}`);
    }
  }
  const env = (container.env ?? []) as Loose[];
  if (env.length === 0) {
    w.kv(indent, 'Environment', '<none>');
    return;
  }
  w.text(indent, 'Environment:');
  for (const e of env) {
    const [name, ...value] = envLine(e, container, pod).split(':  ');
    w.kv(indent + 2, name!, value.join(':  '));
  }
}

/** `Mounts:` then `/data from scratch (rw,path="sub")` lines sorted by mount path, as kubectl. */
export function mounts(w: DescribeWriter, indent: number, container: Loose): void {
  const list = [...((container.volumeMounts ?? []) as Loose[])].sort((a, b) => String(a.mountPath).localeCompare(String(b.mountPath)));
  if (list.length === 0) {
    w.kv(indent, 'Mounts', '<none>');
    return;
  }
  w.text(indent, 'Mounts:');
  for (const m of list) w.text(indent + 2, `${m.mountPath} from ${m.name} (${[m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path="${m.subPath}"`] : [])].join(',')})`);
}
