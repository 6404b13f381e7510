// What discovery says of each resource type (Kubernetes' APIResource): the apiserver serves it and
// the fake client answers with the same.
import { resourceTypes, type ResourceType } from './registry.js';
import { SCALABLE_KINDS } from './scale.js';

export interface APIResourceInfo {
  name: string;
  singularName: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  subresources: string[];
}

/** Every resource type serves every verb. */
export const RESOURCE_VERBS: readonly string[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Subresources other than status, by kind. */
const OTHER_SUBRESOURCES: Readonly<Record<string, readonly string[]>> = {
  Pod: ['binding'],
  ...Object.fromEntries([...SCALABLE_KINDS].map((k) => [k, ['scale']])),
};

export function apiResourceInfo(t: ResourceType): APIResourceInfo {
  return {
    name: t.resource,
    singularName: t.singular,
    kind: t.kind,
    group: t.group,
    version: t.version,
    namespaced: t.namespaced,
    shortNames: t.shortNames,
    verbs: [...RESOURCE_VERBS],
    subresources: [...(t.statusSubresource ? ['status'] : []), ...(OTHER_SUBRESOURCES[t.kind] ?? [])],
  };
}

/** The discovery document's resources: one entry per served type. */
export function apiResources(): APIResourceInfo[] {
  return resourceTypes.map(apiResourceInfo);
}
