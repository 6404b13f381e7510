// The options of Delete and DeleteCollection (Kubernetes' DeleteOptions) and their validation.
import { fieldError, invalid, type KObject } from '@skiff/api';
import type { Preconditions } from './preconditions.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

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
  if (opts.propagationPolicy && !['Background', 'Foreground', 'Orphan'].includes(opts.propagationPolicy)) {
    throw invalid('DeleteOptions', name, [fieldError('propagationPolicy', 'NotSupported', 'supported values: "Background", "Foreground", "Orphan"', opts.propagationPolicy)]);
  }
  if (opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds < 0) {
    throw invalid('DeleteOptions', name, [fieldError('gracePeriodSeconds', 'Invalid', 'must be >= 0', opts.gracePeriodSeconds)]);
  }
}
