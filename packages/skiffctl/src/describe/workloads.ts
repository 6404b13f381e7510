// describe deployment and replicaset.
import type { KObject } from '@skiff/api';
import { formatSelector, type Loose } from '../printers/column.js';
import { conditions, podTemplate } from './common.js';
import type { DescribeContext } from './context.js';

export async function describeDeployment(obj: KObject, { w, client }: DescribeContext): Promise<void> {
  const d = obj as Loose;
  const spec: Loose = d.spec ?? {};
  const st: Loose = d.status ?? {};
  w.kv(0, 'Selector', formatSelector(spec.selector));
  const desired = spec.replicas ?? 1;
  w.kv(
    0,
    'Replicas',
    `${desired} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`,
  );
  const strategy: Loose = spec.strategy ?? {};
  const type = strategy.type || 'RollingUpdate';
  w.kv(0, 'StrategyType', type);
  w.kv(0, 'MinReadySeconds', spec.minReadySeconds ?? 0);
  if (type === 'RollingUpdate') {
    const ru: Loose = strategy.rollingUpdate ?? {};
    w.kv(0, 'RollingUpdateStrategy', `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`);
  }
  if (spec.paused) w.kv(0, 'Paused', 'true');
  podTemplate(w, spec.template);
  conditions(w, st.conditions, true);
  // Its ReplicaSets: the newest revision is the new one, the others with pods are old.
  try {
    const { items } = await client.list('replicasets', { namespace: obj.metadata.namespace ?? '' });
    const owned = items
      .filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.uid === obj.metadata.uid))
      .sort((a, b) => revision(b) - revision(a));
    const [newest, ...older] = owned;
    const line = (rs: KObject): string => `${rs.metadata.name} (${(rs as Loose).status?.replicas ?? 0}/${(rs as Loose).spec?.replicas ?? 0} replicas created)`;
    const old = older.filter((rs) => ((rs as Loose).spec?.replicas ?? 0) > 0 || ((rs as Loose).status?.replicas ?? 0) > 0);
    w.kv(0, 'OldReplicaSets', old.length > 0 ? old.map(line).join(', ') : '<none>');
    w.kv(0, 'NewReplicaSet', newest ? line(newest) : '<none>');
  } catch {
    // Related objects are a nicety: describe still shows the deployment itself.
  }
}

function revision(rs: KObject): number {
  return Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
}

export async function describeReplicaSet(obj: KObject, { w, client }: DescribeContext): Promise<void> {
  const rs = obj as Loose;
  const spec: Loose = rs.spec ?? {};
  w.kv(0, 'Selector', formatSelector(spec.selector));
  w.kv(0, 'Replicas', `${rs.status?.replicas ?? 0} current / ${spec.replicas ?? 1} desired`);
  try {
    const { items } = await client.list('pods', { namespace: obj.metadata.namespace ?? '' });
    const pods = items.filter((p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === obj.metadata.uid));
    const phase = (p: KObject): string => (p as Loose).status?.phase ?? 'Pending';
    const n = (ph: string): number => pods.filter((p) => phase(p) === ph).length;
    w.kv(0, 'Pods Status', `${n('Running')} Running / ${n('Pending')} Waiting / ${n('Succeeded')} Succeeded / ${n('Failed')} Failed`);
  } catch {
    w.kv(0, 'Pods Status', '<unknown>');
  }
  podTemplate(w, spec.template);
  conditions(w, rs.status?.conditions, true);
}
