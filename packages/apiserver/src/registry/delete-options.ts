// The options of Delete and DeleteCollection (Kubernetes' DeleteOptions) and their validation.
import { PROPAGATION_POLICIES, type PropagationPolicy, fieldError, invalid, type KObject } from '@skiff/api';
import type { Preconditions } from './preconditions.js';
import type { Strategy } from './strategy.js';

export interface DeleteOptions {
  propagationPolicy: string;
  gracePeriodSeconds?: number;
  dryRun: boolean;
}

export interface DeleteRequest extends DeleteOptions {
  resource: string;
  namespace: string;
  name: string;
  preconditions?: Preconditions;
}

export interface DeleteCollectionRequest extends DeleteOptions {
  resource: string;
  namespace: string;
  labelSelector: string;
  fieldSelector: string;
}

export interface DeleteResult {
  object: KObject;
  pending: boolean;
}

export function checkDeleteOptions(opts: DeleteOptions, name: string): void {
  if (opts.propagationPolicy && !PROPAGATION_POLICIES.includes(opts.propagationPolicy as PropagationPolicy)) {
    throw invalid('DeleteOptions', name, [fieldError('propagationPolicy', 'NotSupported', 'supported values: "Background", "Foreground", "Orphan"', opts.propagationPolicy)]);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) {
    throw invalid('DeleteOptions', name, [fieldError('gracePeriodSeconds', 'Invalid', 'must be >= 0', opts.gracePeriodSeconds)]);
  }
}

/**
 * Whether a write of `next` over `cur` completes a deletion: the object is marked deleted, its last
 * finalizer (or what its own spec held it with) has just gone and no grace period remains.
 */
export function finishesDeletion(s: Strategy, next: KObject, cur: KObject): boolean {
  if (!next.metadata.deletionTimestamp || next.metadata.deletionGracePeriodSeconds) return false;
  const held = (o: KObject): boolean => (o.metadata.finalizers?.length ?? 0) > 0 || !!s.holdsDeletion?.(o);
  return held(cur) && !held(next);
}
