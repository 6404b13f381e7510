// A container's env entries resolved for `spec/env.ts`: literal values, and the downward API's
// fieldRef paths the kubelet serves (metadata.name|namespace|uid, spec.nodeName,
// spec.serviceAccountName, status.podIP|hostIP, metadata.labels['k'], metadata.annotations['k']).
// ConfigMap and Secret sources are not resolved yet (an empty value).
import type { Container, Pod } from '@skiff/api';
import type { EnvInput, ResolvedEnvVar } from '../spec/env.js';

export interface PodFacts {
  podIP?: string;
  hostIP: string;
}

export function fieldValue(pod: Pod, path: string, facts: PodFacts): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2] as string] ?? '';
  const table: Record<string, string | undefined> = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': facts.podIP,
    'status.hostIP': facts.hostIP,
  };
  return table[path] ?? '';
}

export function envInput(pod: Pod, container: Container, facts: PodFacts): EnvInput {
  const env: ResolvedEnvVar[] = (container.env ?? []).map((e) =>
    e.valueFrom === undefined
      ? { name: e.name, value: e.value ?? '', literal: true }
      : { name: e.name, value: e.valueFrom.fieldRef ? fieldValue(pod, e.valueFrom.fieldRef.fieldPath, facts) : '', literal: false },
  );
  return { env };
}
