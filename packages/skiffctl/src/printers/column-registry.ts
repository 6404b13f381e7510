// The one table of columns per kind. A kind without a row prints NAME and AGE.
import { AGE, NAME, type Column } from './column.js';
import { configMapColumns, eventColumns, leaseColumns, namespaceColumns, nodeColumns, secretColumns } from './cluster-columns.js';
import { podColumns } from './pod-columns.js';
import { priorityClassColumns } from './scheduling-columns.js';
import { endpointsColumns, serviceColumns } from './service-columns.js';
import { deploymentColumns, replicaSetColumns } from './workload-columns.js';

const columnsByKind: Record<string, Column[]> = {
  Pod: podColumns,
  Deployment: deploymentColumns,
  ReplicaSet: replicaSetColumns,
  Service: serviceColumns,
  Endpoints: endpointsColumns,
  Node: nodeColumns,
  Namespace: namespaceColumns,
  ConfigMap: configMapColumns,
  Secret: secretColumns,
  Lease: leaseColumns,
  Event: eventColumns,
  PriorityClass: priorityClassColumns,
};

const fallback: Column[] = [NAME, AGE];

export function columnsFor(kind: string): Column[] {
  return columnsByKind[kind] ?? fallback;
}
