// Defaults of PriorityClass (Kubernetes' SetDefaults_PriorityClass, plus `value` written out as
// Kubernetes always serializes it).
import type { KObject } from '../object.js';
import { DEFAULT_PREEMPTION_POLICY, type PriorityClass } from '../types/scheduling.js';

export function defaultPriorityClass(obj: KObject): void {
  const pc = obj as PriorityClass;
  if (pc.value === undefined || pc.value === null) pc.value = 0;
  if (!pc.preemptionPolicy) pc.preemptionPolicy = DEFAULT_PREEMPTION_POLICY;
}
