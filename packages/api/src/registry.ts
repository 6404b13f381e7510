// The resource types Skiff serves: one row per kind. Everything that maps between a resource name,
// a kind, a group/version and the proto `Object` field reads this table.

export interface ResourceType {
  /** Plural lower-case name, as in Kubernetes URLs: "pods". */
  resource: string;
  singular: string;
  kind: string;
  /** "" for the core group. */
  group: string;
  version: string;
  namespaced: boolean;
  shortNames: string[];
  /** The field of the proto `skiff.v1.Object` oneof that carries this kind. */
  objectField: string;
  /** The proto message of the kind. */
  protoType: string;
  /** Whether status is a subresource (written only through UpdateStatus). */
  statusSubresource: boolean;
  /** Whether spec changes bump metadata.generation. */
  generation: boolean;
}

function row(
  resource: string,
  kind: string,
  group: string,
  namespaced: boolean,
  shortNames: string[],
  statusSubresource: boolean,
): ResourceType {
  return {
    resource,
    singular: kind.toLowerCase(),
    kind,
    group,
    version: 'v1',
    namespaced,
    shortNames,
    objectField: kind.charAt(0).toLowerCase() + kind.slice(1),
    protoType: `skiff.v1.${kind}`,
    statusSubresource,
    generation: statusSubresource,
  };
}

export const resourceTypes: readonly ResourceType[] = [
  row('namespaces', 'Namespace', '', false, ['ns'], true),
  row('nodes', 'Node', '', false, ['no'], true),
  row('pods', 'Pod', '', true, ['po'], true),
  row('services', 'Service', '', true, ['svc'], true),
  row('endpoints', 'Endpoints', '', true, ['ep'], false),
  row('configmaps', 'ConfigMap', '', true, ['cm'], false),
  row('secrets', 'Secret', '', true, [], false),
  row('events', 'Event', '', true, ['ev'], false),
  row('leases', 'Lease', 'coordination.k8s.io', true, [], false),
  row('deployments', 'Deployment', 'apps', true, ['deploy'], true),
  row('replicasets', 'ReplicaSet', 'apps', true, ['rs'], true),
  row('priorityclasses', 'PriorityClass', 'scheduling.k8s.io', false, ['pc'], false),
];

const byName = new Map<string, ResourceType>();
for (const t of resourceTypes) {
  for (const n of [t.resource, t.singular, t.kind.toLowerCase(), ...t.shortNames]) byName.set(n, t);
  if (t.group) byName.set(`${t.resource}.${t.group}`, t);
}

/** Finds a type by resource name, singular, short name or kind, case-insensitively. */
export function lookupResource(name: string): ResourceType | undefined {
  return byName.get(name.toLowerCase());
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** "priorityclasses.scheduling.k8s.io", "pods": how Kubernetes names a resource in its error messages. */
export function qualifiedResource(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

const byObjectField = new Map(resourceTypes.map((t) => [t.objectField, t]));
export function resourceByObjectField(field: string): ResourceType | undefined {
  return byObjectField.get(field);
}

const byKind = new Map(resourceTypes.map((t) => [t.kind, t]));
export function resourceByKind(kind: string): ResourceType | undefined {
  return byKind.get(kind);
}
