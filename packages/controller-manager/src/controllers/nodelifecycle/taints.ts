// The taints the node lifecycle controller owns, as Kubernetes': NoSchedule taints that mirror the
// node's conditions (and spec.unschedulable), and the NoExecute not-ready / unreachable taint that
// drives taint-based eviction. Every other taint on a node is left as it is.
import type { Node, NodeCondition, Taint } from '@skiff/api';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** Kubernetes' nodeConditionToTaintKeyStatusMap: condition type -> status -> NoSchedule taint key. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
};

const NO_SCHEDULE_KEYS = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);
const NO_EXECUTE_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

export function condition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** The NoSchedule taint keys the node's conditions and spec.unschedulable call for. */
export function noScheduleTaintKeys(node: Node): string[] {
  const keys = new Set<string>();
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) keys.add(key);
  }
  if (node.spec?.unschedulable) keys.add(TAINT_UNSCHEDULABLE);
  return [...keys].sort();
}

/** The NoExecute taint key for a Ready status: not-ready for False, unreachable for Unknown, none otherwise. */
export function noExecuteTaintKey(ready: string | undefined): string | undefined {
  if (ready === 'False') return TAINT_NOT_READY;
  if (ready === 'Unknown') return TAINT_UNREACHABLE;
  return undefined;
}

export function currentNoExecuteKey(node: Node): string | undefined {
  return (node.spec?.taints ?? []).find((t) => t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key))?.key;
}

/**
 * The node's taints with the managed NoSchedule taints set to `noSchedule` and the managed NoExecute
 * taint set to `noExecute` (undefined: none); a taint already present keeps its timeAdded.
 */
export function desiredTaints(node: Node, noSchedule: readonly string[], noExecute: string | undefined, now: string): Taint[] {
  const old = node.spec?.taints ?? [];
  const out = old.filter((t) => !(t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.has(t.key)) && !(t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key)));
  for (const key of noSchedule) out.push(old.find((t) => t.key === key && t.effect === 'NoSchedule') ?? { key, effect: 'NoSchedule' });
  if (noExecute) out.push(old.find((t) => t.key === noExecute && t.effect === 'NoExecute') ?? { key: noExecute, effect: 'NoExecute', timeAdded: now });
  return out;
}
