// Settling the ReplicaSet controller's creates and deletes whose reply was lost (the apiserver was
// killed, or the call timed out, after the request was sent): until each is settled its
// expectation stays, so the owner is not synced on a pod cache that may not show the write yet
// (after an apiserver restart the informers re-list a moment after the controller can write
// again). A pod the controller creates carries the name it chose (podsFromTemplate), so both kinds
// are settled by reading the pod: first from the cache, else from the apiserver.
import { type Pod, type ReplicaSet, isApiError, splitKey } from '@skiff/api';
import { type Client, type Lister, type UIDTrackingControllerExpectations, isControlledBy } from '@skiff/machinery';

export interface SettleDeps {
  client: Client;
  pods: Lister<Pod>;
  expectations: UIDTrackingControllerExpectations;
}

/** The pod as the apiserver has it now, or undefined when it does not exist. Other errors throw (retry later). */
async function read(client: Client, key: string): Promise<Pod | undefined> {
  const { namespace, name } = splitKey(key);
  try {
    return await client.get<Pod>('pods', namespace, name);
  } catch (e) {
    if (isApiError(e, 'NOT_FOUND')) return undefined;
    throw e;
  }
}

async function created(deps: SettleDeps, rs: ReplicaSet, key: string): Promise<boolean> {
  const { namespace, name } = splitKey(key);
  // In the cache: the informer has counted it (or is about to: handlers run after the store).
  if (deps.pods.get(namespace, name)) return true;
  const pod = await read(deps.client, key);
  return pod !== undefined && isControlledBy(pod, rs);
}

async function deleted(deps: SettleDeps, key: string, uid: string): Promise<boolean> {
  const { namespace, name } = splitKey(key);
  const gone = (p: Pod | undefined): boolean => !p || p.metadata.uid !== uid || !!p.metadata.deletionTimestamp;
  if (gone(deps.pods.get(namespace, name))) return true;
  return gone(await read(deps.client, key));
}

/** Settles every unconfirmed write of the ReplicaSet `ownerKey`; throws if the apiserver cannot answer yet. */
export async function settleUnconfirmedWrites(deps: SettleDeps, ownerKey: string, rs: ReplicaSet): Promise<void> {
  const u = deps.expectations.unconfirmed(ownerKey);
  if (!u) return;
  for (const key of u.creates) deps.expectations.confirmCreation(ownerKey, key, await created(deps, rs, key));
  for (const { key, uid } of u.deletes) deps.expectations.confirmDeletion(ownerKey, key, await deleted(deps, key, uid));
}
