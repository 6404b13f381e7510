// Kubernetes' DefaultTolerationSeconds admission plugin: on create and update, a pod that does not
// tolerate the node.kubernetes.io/not-ready or node.kubernetes.io/unreachable NoExecute taint (a
// toleration with that key or an empty key, and effect NoExecute or empty) gets a toleration of it
// for 300 s, so taint-based eviction moves it off a failed node after five minutes.
import type { KObject, PodSpec, Toleration } from '@skiff/api';

/** --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;

const DEFAULT_TAINT_KEYS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

function toleratesKey(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === 'NoExecute'));
}

export function addDefaultTolerations(pod: KObject): void {
  const spec = (pod.spec ??= {}) as PodSpec;
  const tolerations = spec.tolerations ?? [];
  const missing = DEFAULT_TAINT_KEYS.filter((key) => !toleratesKey(tolerations, key));
  if (missing.length === 0) return;
  spec.tolerations = [...tolerations, ...missing.map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_TOLERATION_SECONDS }))];
}
