// Kubernetes' patch strategies and merge keys (the `patchStrategy` / `patchMergeKey` tags of
// k8s.io/api core/v1 and apps/v1 types.go) for the fields of the kinds Skiff serves, as data.
//
// Keys are field paths from the object's root, dots between fields and nothing for list elements:
// "spec.containers.ports" is the ports list of every container. A list not in the table is atomic
// (a patch replaces it whole), as a list without a patchStrategy tag in Kubernetes (tolerations,
// taints, readinessGates, containerStatuses, Endpoints subsets, args ...).

export interface ListPatchMeta {
  /** "merge": a set of primitives, or a list of objects merged element by element by `mergeKey`. */
  strategy: 'merge';
  /** The field identifying an element of a list of objects; absent for a set of primitives. */
  mergeKey?: string;
  /** Kubernetes also tags the list "retainKeys": its elements are union types (a volume's source). */
  retainKeys?: boolean;
}

export type MergeKeyTable = Readonly<Record<string, ListPatchMeta>>;

const byKey = (mergeKey: string, retainKeys = false): ListPatchMeta => (retainKeys ? { strategy: 'merge', mergeKey, retainKeys } : { strategy: 'merge', mergeKey });
const primitiveSet: ListPatchMeta = { strategy: 'merge' };

/** The table `rows` with every path put under `prefix`. */
function under(prefix: string, rows: MergeKeyTable): MergeKeyTable {
  return Object.fromEntries(Object.entries(rows).map(([path, meta]) => [`${prefix}.${path}`, meta]));
}

/** ObjectMeta, in every kind. */
const objectMeta: MergeKeyTable = {
  finalizers: primitiveSet,
  ownerReferences: byKey('uid'),
};

/** Container (and EphemeralContainer). */
const container: MergeKeyTable = {
  ports: byKey('containerPort'),
  env: byKey('name'),
  volumeMounts: byKey('mountPath'),
  volumeDevices: byKey('devicePath'),
};

/** PodSpec, in a Pod and in every pod template. */
const podSpec: MergeKeyTable = {
  volumes: byKey('name', true),
  initContainers: byKey('name'),
  ...under('initContainers', container),
  containers: byKey('name'),
  ...under('containers', container),
  ephemeralContainers: byKey('name'),
  ...under('ephemeralContainers', container),
  imagePullSecrets: byKey('name'),
  hostAliases: byKey('ip'),
  topologySpreadConstraints: byKey('topologyKey'),
  schedulingGates: byKey('name'),
  resourceClaims: byKey('name', true),
};

const podStatus: MergeKeyTable = {
  conditions: byKey('type'),
  podIPs: byKey('ip'),
  hostIPs: byKey('ip'),
  resourceClaimStatuses: byKey('name'),
};

/** Status of kinds whose status has only metav1/typed conditions merged by type. */
const conditionsByType: MergeKeyTable = { conditions: byKey('type') };

const podTemplate: MergeKeyTable = {
  ...under('metadata', objectMeta),
  ...under('spec', podSpec),
};

/** Per kind: the merge table of its fields. A kind absent here cannot be strategic-merge patched. */
export const mergeKeysByKind: Readonly<Record<string, MergeKeyTable>> = {
  Namespace: { ...under('metadata', objectMeta), ...under('status', conditionsByType) },
  Node: {
    ...under('metadata', objectMeta),
    'spec.podCIDRs': primitiveSet,
    'status.conditions': byKey('type'),
    'status.addresses': byKey('type'),
  },
  Pod: { ...under('metadata', objectMeta), ...under('spec', podSpec), ...under('status', podStatus) },
  Service: { ...under('metadata', objectMeta), 'spec.ports': byKey('port'), ...under('status', conditionsByType) },
  Endpoints: under('metadata', objectMeta),
  ConfigMap: under('metadata', objectMeta),
  Secret: under('metadata', objectMeta),
  Event: under('metadata', objectMeta),
  Lease: under('metadata', objectMeta),
  PriorityClass: under('metadata', objectMeta),
  Deployment: { ...under('metadata', objectMeta), ...under('spec.template', podTemplate), ...under('status', conditionsByType) },
  ReplicaSet: { ...under('metadata', objectMeta), ...under('spec.template', podTemplate), ...under('status', conditionsByType) },
};
