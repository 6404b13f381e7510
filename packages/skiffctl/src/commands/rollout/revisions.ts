// A Deployment's revisions, as the Deployment controller records them: each ReplicaSet it controls
// carries `deployment.kubernetes.io/revision`; the template is the ReplicaSet's, with the
// pod-template-hash label the controller added.
import { jsonEqual, labelSelectorFromObject, type KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import type { Loose } from '../../printers/column.js';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const POD_TEMPLATE_HASH = 'pod-template-hash';

export interface Revision {
  revision: number;
  replicaSet: KObject;
}

export function revisionOf(obj: KObject): number {
  const n = Number.parseInt(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
}

/** The ReplicaSets the Deployment controls (selector match and controller uid), oldest revision first. */
export async function deploymentRevisions(client: Client, d: KObject): Promise<Revision[]> {
  const selector = labelSelectorFromObject((d as Loose).spec?.selector).toString();
  const { items } = await client.list('replicasets', { namespace: d.metadata.namespace ?? '', labelSelector: selector });
  return items
    .filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === d.metadata.uid))
    .map((rs) => ({ revision: revisionOf(rs), replicaSet: rs }))
    .filter((r) => r.revision > 0)
    .sort((a, b) => a.revision - b.revision);
}

/** A ReplicaSet's pod template without the pod-template-hash label: the template as the Deployment had it. */
export function templateWithoutHash(rs: KObject): Loose {
  const template = structuredClone(((rs as Loose).spec?.template ?? {}) as Loose);
  if (template.metadata?.labels) {
    delete template.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(template.metadata.labels).length === 0) delete template.metadata.labels;
  }
  return template;
}

/** kubectl's equalIgnoreHash: the templates agree once the hash label is dropped from both. */
export function templatesEqual(a: Loose | undefined, b: Loose | undefined): boolean {
  const strip = (t: Loose | undefined): Loose => templateWithoutHash({ metadata: {}, spec: { template: t ?? {} } } as unknown as KObject);
  return jsonEqual(strip(a), strip(b));
}
