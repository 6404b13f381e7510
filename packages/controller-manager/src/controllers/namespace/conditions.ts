// The conditions a Terminating namespace reports, as Kubernetes' namespace deleter
// (pkg/controller/namespace/deletion/status_condition_utils.go): every type is present, False with
// its "ok" reason while nothing blocks, True with the failure and what remains otherwise.
import { type Condition, jsonEqual } from '@skiff/api';

export const NamespaceConditions = {
  DiscoveryFailure: 'NamespaceDeletionDiscoveryFailure',
  GroupVersionParsingFailure: 'NamespaceDeletionGroupVersionParsingFailure',
  ContentFailure: 'NamespaceDeletionContentFailure',
  ContentRemaining: 'NamespaceContentRemaining',
  FinalizersRemaining: 'NamespaceFinalizersRemaining',
} as const;

const ok: Record<string, { reason: string; message: string }> = {
  [NamespaceConditions.DiscoveryFailure]: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  [NamespaceConditions.GroupVersionParsingFailure]: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  [NamespaceConditions.ContentFailure]: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  [NamespaceConditions.ContentRemaining]: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  [NamespaceConditions.FinalizersRemaining]: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What one pass of deleting a namespace's content found. */
export interface DeletionPass {
  /** "resource: message" of each deleteCollection or list that failed. */
  errors: string[];
  /** Objects left, by qualified resource ("pods.", "deployments.apps"). */
  remaining: Map<string, number>;
  /** Objects left holding each finalizer. */
  finalizers: Map<string, number>;
}

function failures(pass: DeletionPass): Map<string, { reason: string; message: string }> {
  const out = new Map<string, { reason: string; message: string }>();
  if (pass.errors.length > 0) {
    out.set(NamespaceConditions.ContentFailure, { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${pass.errors.length} remaining: ${pass.errors.join(', ')}` });
  }
  if (pass.remaining.size > 0) {
    const what = [...pass.remaining].map(([r, n]) => `${r} has ${n} resource instances`).sort();
    out.set(NamespaceConditions.ContentRemaining, { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${what.join(', ')}` });
  }
  if (pass.finalizers.size > 0) {
    const what = [...pass.finalizers].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    out.set(NamespaceConditions.FinalizersRemaining, { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${what.join(', ')}` });
  }
  return out;
}

/** The namespace's conditions after `pass`; a condition whose status did not change keeps its transition time. */
export function namespaceConditions(current: readonly Condition[] | undefined, pass: DeletionPass, now: string): Condition[] {
  const failed = failures(pass);
  const others = (current ?? []).filter((c) => !(c.type in ok));
  const ours = Object.keys(ok).map((type): Condition => {
    const f = failed.get(type);
    const want = { type, status: f ? 'True' : 'False', ...(f ?? ok[type]!) };
    const old = current?.find((c) => c.type === type);
    const lastTransitionTime = old && old.status === want.status && old.lastTransitionTime ? old.lastTransitionTime : now;
    return { type, status: want.status, lastTransitionTime, reason: want.reason, message: want.message };
  });
  return [...others, ...ours];
}

/** Whether the conditions differ but for transition times. */
export function conditionsChanged(a: readonly Condition[] | undefined, b: readonly Condition[]): boolean {
  const strip = (cs: readonly Condition[] | undefined): unknown => (cs ?? []).map(({ lastTransitionTime: _t, ...rest }) => rest);
  return !jsonEqual(strip(a), strip(b));
}
