// Downward API values of a volume file (the kubelet's fieldpath.ExtractFieldPathAsString and
// resource.ExtractResourceValueByContainerName): metadata.name|namespace|uid, labels and
// annotations (whole maps as sorted `key="value"` lines, or one key), and a container's
// limits/requests of cpu, memory or ephemeral-storage over a divisor, rounded up; a limit the
// container leaves unset is the node's allocatable figure.
import { toMilli, type DownwardAPIVolumeFile, type Pod } from '@skiff/api';
import type { NodeAllocatable } from './volume-plugin.js';

/** Go's %q of an ASCII-printable string is JSON's string; other runes differ only in escapes */
function formatMap(m: Record<string, string> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify((m ?? {})[k])}`)
    .join('\n');
}

export function fieldPathValue(pod: Pod, fieldPath: string): string | { failed: string } {
  const one = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
  if (one) return (one[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[one[2] as string] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'metadata.labels':
      return formatMap(pod.metadata.labels);
    case 'metadata.annotations':
      return formatMap(pod.metadata.annotations);
    default:
      return { failed: `unsupported fieldPath: ${fieldPath}` };
  }
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a % b === 0n ? a / b : a / b + (a > 0n ? 1n : 0n);
}

export function resourceFieldValue(pod: Pod, containerName: string | undefined, resource: string, divisor: string | undefined, node: NodeAllocatable): string | { failed: string } {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const c = containers.find((x) => x.name === containerName);
  if (!c) return { failed: `container ${JSON.stringify(containerName ?? '')} not found in the pod` };
  const m = /^(limits|requests)\.(cpu|memory|ephemeral-storage)$/.exec(resource);
  if (!m) return { failed: `unsupported container resource: ${resource}` };
  const [, kind, name] = m as unknown as [string, 'limits' | 'requests', 'cpu' | 'memory' | 'ephemeral-storage'];
  const set = c.resources?.[kind]?.[name];
  let milli: bigint;
  if (set !== undefined) milli = toMilli(set);
  else if (kind === 'requests') milli = 0n;
  else milli = name === 'cpu' ? node.cpuMilli : (name === 'memory' ? node.memoryBytes : node.ephemeralStorageBytes) * 1000n;
  const div = toMilli(divisor && divisor !== '' ? divisor : '1');
  if (div <= 0n) return { failed: `invalid divisor: ${divisor ?? ''}` };
  return String(ceilDiv(milli, div));
}

export function downwardValue(pod: Pod, item: DownwardAPIVolumeFile, node: NodeAllocatable): string | { failed: string } {
  if (item.fieldRef) return fieldPathValue(pod, item.fieldRef.fieldPath);
  if (item.resourceFieldRef) return resourceFieldValue(pod, item.resourceFieldRef.containerName, item.resourceFieldRef.resource, item.resourceFieldRef.divisor, node);
  return { failed: `item ${JSON.stringify(item.path)} has neither fieldRef nor resourceFieldRef` };
}
