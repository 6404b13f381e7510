// The pods the kubelet never evicts (kubelettypes.IsCriticalPod): system-critical priority
// (>= 2000000000: system-cluster-critical and system-node-critical) and mirror pods.
import { SYSTEM_CRITICAL_PRIORITY, type Pod } from '@skiff/api';

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

export function isCriticalPod(pod: Pod): boolean {
  return (pod.spec?.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY || pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined;
}
