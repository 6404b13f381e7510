// resourceFieldRef values as the kubelet computes them (ExtractContainerResourceValue): cpu as
// ceil(milli / divisor milli), memory and ephemeral-storage as ceil(bytes / divisor); a limit that
// is not set is the node's allocatable (MergeContainerResourceLimits); the divisor defaults to 1.
import { parseQuantity, toMilli, type Container, type ResourceFieldSelector, type ResourceList } from '@skiff/api';
import { ContainerConfigError } from '../errors.js';

const RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);

function ceilDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  return a % b === 0n ? a / b : a / b + 1n;
}

export function resourceFieldValue(sel: ResourceFieldSelector, container: Container, allocatable: ResourceList = {}): string {
  const m = /^(limits|requests)\.(.+)$/.exec(sel.resource);
  const resource = m?.[2] ?? '';
  if (!m || !RESOURCES.has(resource)) throw new ContainerConfigError(`unsupported container resource : ${sel.resource}`);
  const kind = m[1] as 'limits' | 'requests';
  const set = container.resources?.[kind]?.[resource];
  const value = set ?? (kind === 'limits' ? allocatable[resource] : undefined) ?? '0';
  const divisor = sel.divisor && toMilli(sel.divisor) !== 0n ? sel.divisor : '1';
  const q = toMilli(parseQuantity(value));
  const d = toMilli(parseQuantity(divisor));
  if (resource === 'cpu') return String(ceilDiv(q, d));
  // bytes: the quantity's value (rounded up) over the divisor's value
  return String(ceilDiv(ceilDiv(q, 1000n), ceilDiv(d, 1000n)));
}
