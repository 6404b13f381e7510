// Small shared types of the API, in the Kubernetes JSON shape (see proto/skiff/v1/meta.proto).

/** A port number or name; a count or a percentage ("25%"). */
export type IntOrString = number | string;

/** Resource name ("cpu", "memory") -> quantity ("500m", "128Mi"). */
export type ResourceList = Record<string, string>;

export interface LabelSelectorRequirement {
  key: string;
  /** In, NotIn, Exists, DoesNotExist. */
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface LocalObjectReference {
  name?: string;
}

/** A condition with the usual Kubernetes fields. */
export interface Condition {
  type: string;
  /** "True", "False" or "Unknown". */
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
