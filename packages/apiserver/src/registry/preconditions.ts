// Preconditions of a write, as Kubernetes' storage.Preconditions: the stored object must still be
// the one the client read (resourceVersion) or at least the same object (uid, not a new one of the
// same name). Either mismatch is a Conflict.
import { conflict, type KObject, type ResourceType } from '@skiff/api';

export interface Preconditions {
  resourceVersion?: string | undefined;
  uid?: string | undefined;
}

/** Throws ABORTED (Conflict) when `cur`, stored at revision `rv`, fails a precondition. */
export function checkPreconditions(t: ResourceType, name: string, pre: Preconditions, cur: KObject, rv: string, verb: 'update' | 'delete' = 'update'): void {
  if (pre.uid && pre.uid !== cur.metadata.uid) {
    throw conflict(t.resource, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid ?? ''}`);
  }
  if (pre.resourceVersion && pre.resourceVersion !== rv) {
    throw conflict(t.resource, name, verb === 'update' ? MODIFIED : `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${rv}`);
  }
}

export const MODIFIED = 'the object has been modified; please apply your changes to the latest version and try again';
