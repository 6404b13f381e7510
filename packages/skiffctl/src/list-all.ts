// Lists every object in pages (limit + continue), as kubectl does with --chunk-size 500.
import type { KObject, ResourceType } from '@skiff/api';
import type { Client, ListOptions } from '@skiff/machinery';
import { apiVersionOf } from '@skiff/api';

export const DEFAULT_CHUNK_SIZE = 500;

export interface ListAllResult {
  items: KObject[];
  /** The snapshot's revision: watch from here. */
  resourceVersion: string;
}

export async function listAll(client: Client, type: ResourceType, opts: Omit<ListOptions, 'limit' | 'continue'>, chunkSize = DEFAULT_CHUNK_SIZE): Promise<ListAllResult> {
  const items: KObject[] = [];
  let cont = '';
  let resourceVersion = '';
  do {
    const page = await client.list(type.resource, { ...opts, limit: chunkSize, ...(cont ? { continue: cont } : {}) });
    items.push(...page.items.map((o) => withTypeMeta(o, type)));
    if (!resourceVersion) resourceVersion = page.resourceVersion;
    cont = page.continue;
  } while (cont);
  return { items, resourceVersion };
}

/** Objects always print with apiVersion and kind, even if a server left them out of list items. */
export function withTypeMeta(obj: KObject, type: ResourceType): KObject {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, apiVersion: obj.apiVersion || apiVersionOf(type), kind: obj.kind || type.kind };
}
