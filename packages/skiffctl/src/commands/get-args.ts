// The flags of skiffctl get.

export interface GetArgs {
  /** Positional: `pods`, `pods,svc name`, `pod/name`. */
  resources: string[];
  filenames?: string[];
  recursive?: boolean;
  namespace?: string;
  defaultNamespace: string;
  allNamespaces?: boolean;
  output?: string;
  selector?: string;
  fieldSelector?: string;
  watch?: boolean;
  watchOnly?: boolean;
  showLabels?: boolean;
  noHeaders?: boolean;
  ignoreNotFound?: boolean;
  chunkSize?: number;
  /** The clock for ages (tests). */
  now?: () => number;
}
