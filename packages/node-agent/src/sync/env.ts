// A container's env entries resolved for `spec/env.ts`, as the kubelet's makeEnvironmentVariables:
// `envFrom` ConfigMaps and Secrets (prefixed; keys that are not valid variable names skipped and
// reported), `env` values (literals; configMapKeyRef and secretKeyRef, optional or not; the
// downward API's fieldRef and resourceFieldRef) and the service variables. A missing ConfigMap,
// Secret or key that is not optional is a ContainerConfigError with the kubelet's message.
import type { Container, Pod, ResourceList } from '@skiff/api';
import { ContainerConfigError } from '../errors.js';
import type { EnvSources } from '../env/env-sources.js';
import { resourceFieldValue } from '../env/resource-field.js';
import { MASTER_SERVICE_NAMESPACE, serviceEnv } from '../env/service-env.js';
import type { EnvInput, ResolvedEnvVar } from '../spec/env.js';

export interface PodFacts {
  podIP?: string;
  podIPs?: string[];
  hostIP: string;
}

export interface EnvContext {
  sources: EnvSources;
  /** the node's allocatable, for limits that are not set */
  allocatable?: ResourceList;
  /** told about envFrom keys skipped as invalid names (the kubelet's InvalidEnvironmentVariableNames event) */
  onInvalidKeys?: (message: string) => void;
}

const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

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
    'status.podIPs': (facts.podIPs ?? (facts.podIP ? [facts.podIP] : [])).join(','),
    'status.hostIP': facts.hostIP,
    'status.hostIPs': facts.hostIP,
  };
  return table[path] ?? '';
}

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** the key/value pairs of an envFrom source, or undefined when it is absent and optional */
function envFromData(pod: Pod, from: NonNullable<Container['envFrom']>[number], ctx: EnvContext): { kind: string; name: string; data: Record<string, string> } | undefined {
  const ns = pod.metadata.namespace ?? '';
  if (from.configMapRef) {
    const name = from.configMapRef.name ?? '';
    const cm = ctx.sources.configMap(ns, name);
    if (!cm) {
      if (from.configMapRef.optional) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    return { kind: 'configMap', name, data: cm.data ?? {} };
  }
  if (from.secretRef) {
    const name = from.secretRef.name ?? '';
    const s = ctx.sources.secret(ns, name);
    if (!s) {
      if (from.secretRef.optional) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    return { kind: 'secret', name, data: Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, decode(v)])) };
  }
  return undefined;
}

function resolveEnvFrom(pod: Pod, container: Container, ctx: EnvContext): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const from of container.envFrom ?? []) {
    const got = envFromData(pod, from, ctx);
    if (!got) continue;
    const invalid: string[] = [];
    for (const key of Object.keys(got.data).sort()) {
      const name = `${from.prefix ?? ''}${key}`;
      if (!ENV_VAR_NAME.test(name)) invalid.push(name);
      else out.push({ name, value: got.data[key] as string });
    }
    if (invalid.length > 0) {
      ctx.onInvalidKeys?.(`Keys [${invalid.join(', ')}] from the EnvFrom ${got.kind} ${pod.metadata.namespace ?? ''}/${got.name} were skipped since they are considered invalid environment variable names.`);
    }
  }
  return out;
}

/** one `env` entry's value; undefined when an optional source is absent (the variable is not set) */
function sourcedValue(pod: Pod, container: Container, e: NonNullable<Container['env']>[number], facts: PodFacts, ctx: EnvContext): string | undefined {
  const from = e.valueFrom ?? {};
  const ns = pod.metadata.namespace ?? '';
  if (from.fieldRef) return fieldValue(pod, from.fieldRef.fieldPath, facts);
  if (from.resourceFieldRef) {
    const target = from.resourceFieldRef.containerName
      ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef?.containerName)
      : container;
    return resourceFieldValue(from.resourceFieldRef, target ?? container, ctx.allocatable);
  }
  if (from.configMapKeyRef) {
    const { name = '', key, optional } = from.configMapKeyRef;
    const cm = ctx.sources.configMap(ns, name);
    if (!cm) {
      if (optional) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    const v = cm.data?.[key] ?? (cm.binaryData?.[key] !== undefined ? decode(cm.binaryData[key] as string) : undefined);
    if (v === undefined && !optional) throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    return v;
  }
  if (from.secretKeyRef) {
    const { name = '', key, optional } = from.secretKeyRef;
    const s = ctx.sources.secret(ns, name);
    if (!s) {
      if (optional) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    const v = s.data?.[key];
    if (v === undefined && !optional) throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
    return v === undefined ? undefined : decode(v);
  }
  return '';
}

export function envInput(pod: Pod, container: Container, facts: PodFacts, ctx: EnvContext): EnvInput {
  const env: ResolvedEnvVar[] = [];
  for (const e of container.env ?? []) {
    if (e.valueFrom === undefined) {
      env.push({ name: e.name, value: e.value ?? '', literal: true });
      continue;
    }
    const value = sourcedValue(pod, container, e, facts, ctx);
    if (value !== undefined) env.push({ name: e.name, value, literal: false });
  }
  const ns = pod.metadata.namespace ?? '';
  const master = ns === MASTER_SERVICE_NAMESPACE ? [] : ctx.sources.services(MASTER_SERVICE_NAMESPACE);
  const podServices = ctx.sources.services(ns);
  return { envFrom: resolveEnvFrom(pod, container, ctx), env, serviceEnv: serviceEnv(pod, podServices, ns === MASTER_SERVICE_NAMESPACE ? podServices : master) };
}
