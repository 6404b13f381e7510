// Deployment and ReplicaSet columns.
import type { KObject } from '@skiff/api';
import { AGE, NAME, col, formatSelector, loose, type Column, type Loose } from './column.js';

function containers(o: KObject): Loose[] {
  return loose(o).spec?.template?.spec?.containers ?? [];
}

const templateColumns: Column[] = [
  col('CONTAINERS', (o) => containers(o).map((c) => c.name).join(',') || '<none>', true),
  col('IMAGES', (o) => containers(o).map((c) => c.image ?? '').join(',') || '<none>', true),
  col('SELECTOR', (o) => formatSelector(loose(o).spec?.selector), true),
];

const desired = (o: KObject): number => loose(o).spec?.replicas ?? 1;
const st = (o: KObject): Loose => loose(o).status ?? {};

export const deploymentColumns: Column[] = [
  NAME,
  col('READY', (o) => `${st(o).readyReplicas ?? 0}/${desired(o)}`),
  col('UP-TO-DATE', (o) => String(st(o).updatedReplicas ?? 0)),
  col('AVAILABLE', (o) => String(st(o).availableReplicas ?? 0)),
  AGE,
  ...templateColumns,
];

export const replicaSetColumns: Column[] = [
  NAME,
  col('DESIRED', (o) => String(desired(o))),
  col('CURRENT', (o) => String(st(o).replicas ?? 0)),
  col('READY', (o) => String(st(o).readyReplicas ?? 0)),
  AGE,
  ...templateColumns,
];
