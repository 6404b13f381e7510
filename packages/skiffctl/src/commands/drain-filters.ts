// Which pods drain deletes, as kubectl's drain filters: DaemonSet-managed pods are refused (or, with
// --ignore-daemonsets, left alone), mirror pods are left alone, pods with emptyDir data need
// --delete-emptydir-data, pods without a controller need --force. Finished pods are always deleted.
import type { KObject } from '@skiff/api';
import type { Loose } from '../printers/column.js';

export interface DrainFilterOptions {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
}

export type PodVerdict =
  | { action: 'delete'; warning?: string }
  | { action: 'skip'; warning?: string }
  | { action: 'refuse'; reason: string };

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const DAEMONSET_FATAL = 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)';
const DAEMONSET_WARNING = 'ignoring DaemonSet-managed Pods';
const LOCAL_STORAGE_FATAL = 'Pods with local storage (use --delete-emptydir-data to override)';
const LOCAL_STORAGE_WARNING = 'deleting Pods with local storage';
const UNMANAGED_FATAL = 'Pods declare no controller (use --force to override)';
const UNMANAGED_WARNING = 'deleting Pods that declare no controller';

const finished = (p: Loose): boolean => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** The verdict for one pod on the node (kubectl applies its filters in this order). */
export function drainVerdict(pod: KObject, o: DrainFilterOptions): PodVerdict {
  const p = pod as Loose;
  const controller = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  if (controller?.kind === 'DaemonSet') return o.ignoreDaemonSets ? { action: 'skip', warning: DAEMONSET_WARNING } : { action: 'refuse', reason: DAEMONSET_FATAL };
  if (pod.metadata.annotations?.[MIRROR_ANNOTATION] !== undefined) return { action: 'skip' };
  let warning: string | undefined;
  const emptyDir = ((p.spec?.volumes ?? []) as Loose[]).some((v) => v.emptyDir);
  if (emptyDir && !finished(p)) {
    if (!o.deleteEmptyDirData) return { action: 'refuse', reason: LOCAL_STORAGE_FATAL };
    warning = LOCAL_STORAGE_WARNING;
  }
  if (!controller && !finished(p)) {
    if (!o.force) return { action: 'refuse', reason: UNMANAGED_FATAL };
    warning = UNMANAGED_WARNING;
  }
  return warning ? { action: 'delete', warning } : { action: 'delete' };
}

export interface DrainPlan {
  /** Pods to delete. */
  delete: KObject[];
  /** Warning message -> `ns/name` of the pods it is about. */
  warnings: Map<string, string[]>;
  /** Refusal message -> pods; any entry stops the drain. */
  refusals: Map<string, string[]>;
}

export function planDrain(pods: readonly KObject[], o: DrainFilterOptions): DrainPlan {
  const plan: DrainPlan = { delete: [], warnings: new Map(), refusals: new Map() };
  const note = (m: Map<string, string[]>, msg: string, pod: KObject): void => {
    m.set(msg, [...(m.get(msg) ?? []), `${pod.metadata.namespace}/${pod.metadata.name}`]);
  };
  for (const pod of pods) {
    const v = drainVerdict(pod, o);
    if (v.action === 'refuse') {
      note(plan.refusals, v.reason, pod);
      continue;
    }
    if (v.warning) note(plan.warnings, v.warning, pod);
    if (v.action === 'delete') plan.delete.push(pod);
  }
  return plan;
}
