// The Volumes section of describe, one line set per volume kind as kubectl's describeVolumes prints
// them (`Type:  EmptyDir (a temporary directory that shares a pod's lifetime)`); a kind without an
// entry prints its scalar fields.
import type { Loose } from '../printers/column.js';
import type { DescribeWriter } from './writer.js';

type VolumeDescriber = (w: DescribeWriter, indent: number, src: Loose) => void;

const bool = (v: unknown): string => String(!!v);

const VOLUME_KINDS: Record<string, VolumeDescriber> = {
  hostPath: (w, i, s) => {
    w.kv(i, 'Type', 'HostPath (bare host directory volume)');
    w.kv(i, 'Path', s.path ?? '');
    w.kv(i, 'HostPathType', s.type ?? '');
  },
  emptyDir: (w, i, s) => {
    w.kv(i, 'Type', "EmptyDir (a temporary directory that shares a pod's lifetime)");
    w.kv(i, 'Medium', s.medium ?? '');
    w.kv(i, 'SizeLimit', s.sizeLimit ?? '<unset>');
  },
  secret: (w, i, s) => {
    w.kv(i, 'Type', 'Secret (a volume populated by a Secret)');
    w.kv(i, 'SecretName', s.secretName ?? '');
    w.kv(i, 'Optional', bool(s.optional));
  },
  configMap: (w, i, s) => {
    w.kv(i, 'Type', 'ConfigMap (a volume populated by a ConfigMap)');
    w.kv(i, 'Name', s.name ?? '');
    w.kv(i, 'Optional', bool(s.optional));
  },
  persistentVolumeClaim: (w, i, s) => {
    w.kv(i, 'Type', 'PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)');
    w.kv(i, 'ClaimName', s.claimName ?? '');
    w.kv(i, 'ReadOnly', bool(s.readOnly));
  },
  downwardAPI: (w, i, s) => {
    w.kv(i, 'Type', 'DownwardAPI (a volume populated by information about the pod)');
    w.text(i, 'Items:');
    for (const item of (s.items ?? []) as Loose[]) {
      if (item.fieldRef) w.text(i + 2, `${item.fieldRef.fieldPath} -> ${item.path}`);
      if (item.resourceFieldRef) w.text(i + 2, `${item.resourceFieldRef.resource} -> ${item.path}`);
    }
  },
  projected: (w, i, s) => {
    w.kv(i, 'Type', 'Projected (a volume that contains injected data from multiple sources)');
    for (const src of (s.sources ?? []) as Loose[]) {
      if (src.secret) {
        w.kv(i, 'SecretName', src.secret.name ?? '');
        w.kv(i, 'SecretOptionalName', bool(src.secret.optional));
      } else if (src.configMap) {
        w.kv(i, 'ConfigMapName', src.configMap.name ?? '');
        w.kv(i, 'ConfigMapOptional', bool(src.configMap.optional));
      } else if (src.downwardAPI) {
        w.kv(i, 'DownwardAPI', 'true');
      } else if (src.serviceAccountToken) {
        w.kv(i, 'TokenExpirationSeconds', src.serviceAccountToken.expirationSeconds ?? 3607);
      }
    }
  },
};

export function volumes(w: DescribeWriter, indent: number, vols: Loose[]): void {
  if (vols.length === 0) {
    w.kv(indent, 'Volumes', '<none>');
    return;
  }
  w.text(indent, 'Volumes:');
  for (const v of vols) {
    w.text(indent + 2, `${v.name}:`);
    const [kind, src] = Object.entries(v).find(([k]) => k !== 'name') ?? ['unknown', {}];
    const s = (src ?? {}) as Loose;
    const describe = VOLUME_KINDS[kind];
    if (describe) {
      describe(w, indent + 4, s);
      continue;
    }
    w.kv(indent + 4, 'Type', kind);
    for (const [k, x] of Object.entries(s)) if (typeof x !== 'object') w.kv(indent + 4, k.charAt(0).toUpperCase() + k.slice(1), String(x));
  }
}
