// The pod half of Kubernetes' Priority admission plugin: on create, a pod's priorityClassName is
// resolved into spec.priority and spec.preemptionPolicy (no class: the global default class, else
// priority 0); an unknown class, or a priority or policy the pod sets itself that differs from its
// class's, is refused. On update the resolved values are kept when the update leaves them out
// (pod validation keeps them from changing).
import {
  DEFAULT_PREEMPTION_POLICY,
  DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS,
  forbidden,
  type KObject,
  type PodSpec,
  type PriorityClass,
} from '@skiff/api';
import type { StrategyContext } from '../../strategy.js';

/** The global default class; if a race let two in, the one with the lowest value (as Kubernetes). */
export function globalDefaultClass(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const c of classes) if (c.globalDefault === true && (!best || (c.value ?? 0) < (best.value ?? 0))) best = c;
  return best;
}

/**
 * Sets the pod's priority from `cls` (its named class, or the global default, or none); returns why
 * the pod is refused, if it is.
 */
export function applyPriority(spec: PodSpec, cls: PriorityClass | undefined): string | undefined {
  const priority = cls ? (cls.value ?? 0) : DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS;
  const policy = cls?.preemptionPolicy || DEFAULT_PREEMPTION_POLICY;
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    return `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`;
  }
  if (spec.preemptionPolicy && spec.preemptionPolicy !== policy) {
    return `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`;
  }
  if (cls && !spec.priorityClassName) spec.priorityClassName = cls.metadata.name;
  spec.priority = priority;
  spec.preemptionPolicy = policy;
  return undefined;
}

/** Admission of a pod create. */
export async function admitPodPriority(pod: KObject, ctx: StrategyContext): Promise<void> {
  const spec = (pod.spec ??= {}) as PodSpec;
  const podName = pod.metadata.name ?? '';
  let cls: PriorityClass | undefined;
  if (spec.priorityClassName) {
    cls = (await ctx.getObject('PriorityClass', '', spec.priorityClassName)) as PriorityClass | undefined;
    if (!cls) throw forbidden('pods', podName, `no PriorityClass with name ${spec.priorityClassName} was found`);
  } else {
    cls = globalDefaultClass((await ctx.listObjects('PriorityClass', false)) as PriorityClass[]);
  }
  const why = applyPriority(spec, cls);
  if (why) throw forbidden('pods', podName, why);
}

/** An update that leaves out the resolved priority keeps it (Kubernetes' admitPod on Update). */
export function keepPriority(next: KObject, old: KObject): void {
  const spec = next.spec as PodSpec | undefined;
  const prev = old.spec as PodSpec | undefined;
  if (!spec || !prev) return;
  if ((spec.priority === undefined || spec.priority === null) && prev.priority !== undefined) spec.priority = prev.priority;
  if (!spec.preemptionPolicy && prev.preemptionPolicy) spec.preemptionPolicy = prev.preemptionPolicy;
}
