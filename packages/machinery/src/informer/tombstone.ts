// client-go's DeletedFinalStateUnknown: an object that disappeared while the watch was down. The
// informer only learns of the deletion from a re-list, so the final state is unknown: `obj` is the
// last state the cache had, possibly stale.
import type { KObject } from '@skiff/api';

export class DeletedFinalStateUnknown<T extends KObject = KObject> {
  constructor(
    /** The cache key ("ns/name") of the deleted object. */
    readonly key: string,
    /** The last state the cache held. */
    readonly obj: T,
  ) {}
}

/** What onDelete receives: the deleted object, or a tombstone when the deletion was missed. */
export type DeletedObject<T extends KObject = KObject> = T | DeletedFinalStateUnknown<T>;

/** The object of a delete notification, unwrapping a tombstone. */
export function deletedObject<T extends KObject>(d: DeletedObject<T>): T {
  return d instanceof DeletedFinalStateUnknown ? d.obj : d;
}
