// Pod and PodSpec validation (shared with pod templates), following Kubernetes' core validation.
import type { FieldError } from '../errors.js';
import { isQualifiedName, isValidLabelValue } from '../labels.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isValidPortName, isValidPortNum } from '../names.js';
import { parseQuantity } from '../quantity.js';
import type { Container, DownwardAPIVolumeFile, EnvVar, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, Toleration, Volume } from '../types/pod.js';
import type { KObject } from '../object.js';
import { jsonEqual } from '../json-equal.js';
import {
  Errs,
  PROTOCOLS,
  child,
  index,
  isInt,
  key,
  nonNegative,
  oneOf,
  positive,
  validateIP,
  validateLabelMap,
  validateLabelSelector,
  validatePortNumOrName,
  validateQuantityString,
} from './errs.js';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'] as const;
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'] as const;
export const PULL_POLICIES = ['Always', 'Never', 'IfNotPresent'] as const;
export const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'] as const;
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
const TOLERATION_OPERATORS = ['Equal', 'Exists'] as const;
const NODE_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;
const FIELD_REF_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.labels',
  'metadata.annotations',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
] as const;
const RESOURCE_FIELD_REFS = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];
const STANDARD_RESOURCES = ['cpu', 'memory', 'ephemeral-storage', 'pods', 'storage'];

export function validatePod(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const spec = obj.spec as PodSpec | undefined;
  if (!spec || typeof spec !== 'object') e.required('spec');
  else e.list.push(...validatePodSpec(spec, 'spec'));
  if (old) {
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    if (spec && old.spec) e.list.push(...validatePodSpecUpdate(spec, old.spec as PodSpec));
  }
  return e.list;
}

export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: string): FieldError[] {
  const e = new Errs();
  if (!t || typeof t !== 'object') {
    e.required(path);
    return e.list;
  }
  const meta = t.metadata ?? {};
  e.list.push(...validateLabels(meta.labels, child(child(path, 'metadata'), 'labels')));
  e.list.push(...validateAnnotations(meta.annotations, child(child(path, 'metadata'), 'annotations')));
  if (!t.spec || typeof t.spec !== 'object') e.required(child(path, 'spec'));
  else e.list.push(...validatePodSpec(t.spec, child(path, 'spec')));
  return e.list;
}

export function validatePodSpec(spec: PodSpec, path: string): FieldError[] {
  const e = new Errs();
  const volumes = validateVolumes(e, spec.volumes ?? [], child(path, 'volumes'));
  const containers = spec.containers ?? [];
  const init = spec.initContainers ?? [];
  if (containers.length === 0) e.required(child(path, 'containers'));
  const names = new Set<string>();
  const portNames = new Set<string>();
  init.forEach((c, i) => validateContainer(e, c, index(child(path, 'initContainers'), i), volumes, names, portNames, true));
  containers.forEach((c, i) => validateContainer(e, c, index(child(path, 'containers'), i), volumes, names, portNames, false));
  oneOf(e, child(path, 'restartPolicy'), spec.restartPolicy, RESTART_POLICIES);
  oneOf(e, child(path, 'dnsPolicy'), spec.dnsPolicy, DNS_POLICIES);
  if (spec.dnsPolicy === 'None' && !(spec.dnsConfig?.nameservers?.length)) {
    e.required(child(child(path, 'dnsConfig'), 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None');
  }
  (spec.dnsConfig?.nameservers ?? []).forEach((ns, i) => validateIP(e, index(child(child(path, 'dnsConfig'), 'nameservers'), i), ns));
  validateLabelMap(e, child(path, 'nodeSelector'), spec.nodeSelector);
  nonNegative(e, child(path, 'terminationGracePeriodSeconds'), spec.terminationGracePeriodSeconds);
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    const v = spec.activeDeadlineSeconds;
    if (!isInt(v) || v < 1 || v > 2147483647) e.invalid(child(path, 'activeDeadlineSeconds'), v, 'must be between 1 and 2147483647, inclusive');
  }
  for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName'] as const) {
    const v = spec[f];
    if (v) e.each(child(path, f), v, isDNS1123Subdomain(v));
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = spec[f];
    if (v) e.each(child(path, f), v, isDNS1123Label(v));
  }
  if (spec.schedulerName !== undefined && spec.schedulerName !== '' && isDNS1123Subdomain(spec.schedulerName).length) {
    e.each(child(path, 'schedulerName'), spec.schedulerName, isDNS1123Subdomain(spec.schedulerName));
  }
  oneOf(e, child(path, 'preemptionPolicy'), spec.preemptionPolicy, ['PreemptLowerPriority', 'Never'], true);
  (spec.tolerations ?? []).forEach((t, i) => validateToleration(e, t, index(child(path, 'tolerations'), i)));
  (spec.hostAliases ?? []).forEach((h, i) => {
    const f = index(child(path, 'hostAliases'), i);
    validateIP(e, child(f, 'ip'), h.ip ?? '');
    (h.hostnames ?? []).forEach((n, j) => e.each(index(child(f, 'hostnames'), j), n, isDNS1123Subdomain(n)));
  });
  (spec.imagePullSecrets ?? []).forEach((s, i) => {
    if (!s.name) e.required(child(index(child(path, 'imagePullSecrets'), i), 'name'));
  });
  validateResourceList(e, spec.overhead, child(path, 'overhead'));
  validateAffinity(e, spec, child(path, 'affinity'));
  (spec.topologySpreadConstraints ?? []).forEach((c, i) => {
    const f = index(child(path, 'topologySpreadConstraints'), i);
    positive(e, child(f, 'maxSkew'), c.maxSkew);
    if (c.maxSkew === undefined) e.required(child(f, 'maxSkew'));
    if (!c.topologyKey) e.required(child(f, 'topologyKey'), 'can not be empty');
    else e.each(child(f, 'topologyKey'), c.topologyKey, isQualifiedName(c.topologyKey));
    oneOf(e, child(f, 'whenUnsatisfiable'), c.whenUnsatisfiable, ['DoNotSchedule', 'ScheduleAnyway']);
    if (c.minDomains !== undefined) positive(e, child(f, 'minDomains'), c.minDomains);
    validateLabelSelector(e, child(f, 'labelSelector'), c.labelSelector);
  });
  (spec.readinessGates ?? []).forEach((g, i) => e.each(child(index(child(path, 'readinessGates'), i), 'conditionType'), g.conditionType, isQualifiedName(g.conditionType ?? '')));
  if (spec.securityContext) {
    const sc = spec.securityContext;
    const f = child(path, 'securityContext');
    nonNegative(e, child(f, 'runAsUser'), sc.runAsUser);
    nonNegative(e, child(f, 'runAsGroup'), sc.runAsGroup);
    nonNegative(e, child(f, 'fsGroup'), sc.fsGroup);
    (sc.supplementalGroups ?? []).forEach((g, i) => nonNegative(e, index(child(f, 'supplementalGroups'), i), g));
    (sc.sysctls ?? []).forEach((s, i) => {
      if (!s.name) e.required(child(index(child(f, 'sysctls'), i), 'name'));
    });
  }
  if (spec.hostNetwork) {
    // With hostNetwork, container ports must equal host ports (Kubernetes' rule).
    [...init, ...containers].forEach((c) =>
      (c.ports ?? []).forEach((p) => {
        if (p.hostPort !== undefined && p.hostPort !== 0 && p.hostPort !== p.containerPort) {
          e.invalid(child(path, 'containers'), p.hostPort, 'hostPort must match containerPort when hostNetwork is true');
        }
      }),
    );
  }
  return e.list;
}

function validateVolumes(e: Errs, volumes: Volume[], path: string): Set<string> {
  const names = new Set<string>();
  volumes.forEach((v, i) => {
    const f = index(path, i);
    if (!v.name) e.required(child(f, 'name'));
    else {
      e.each(child(f, 'name'), v.name, isDNS1123Label(v.name));
      if (names.has(v.name)) e.duplicate(child(f, 'name'), v.name);
      names.add(v.name);
    }
    const sources = (['hostPath', 'emptyDir', 'secret', 'configMap', 'persistentVolumeClaim', 'downwardAPI', 'projected'] as const).filter((s) => v[s] !== undefined && v[s] !== null);
    if (sources.length === 0) e.required(f, 'must specify a volume type');
    else if (sources.length > 1) {
      for (const s of sources.slice(1)) e.forbidden(child(f, s), 'may not specify more than 1 volume type');
    }
    if (v.hostPath && !v.hostPath.path) e.required(child(child(f, 'hostPath'), 'path'));
    if (v.hostPath?.type) {
      oneOf(e, child(child(f, 'hostPath'), 'type'), v.hostPath.type, ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'], true);
    }
    if (v.emptyDir) {
      oneOf(e, child(child(f, 'emptyDir'), 'medium'), v.emptyDir.medium, ['', 'Memory', 'HugePages'], true);
      if (v.emptyDir.sizeLimit !== undefined) validateQuantityString(e, child(child(f, 'emptyDir'), 'sizeLimit'), v.emptyDir.sizeLimit);
    }
    if (v.secret) {
      const s = child(f, 'secret');
      if (!v.secret.secretName) e.required(child(s, 'secretName'));
      validateKeyToPaths(e, v.secret.items, child(s, 'items'));
      validateMode(e, child(s, 'defaultMode'), v.secret.defaultMode);
    }
    if (v.configMap) {
      const s = child(f, 'configMap');
      if (!v.configMap.name) e.required(child(s, 'name'));
      validateKeyToPaths(e, v.configMap.items, child(s, 'items'));
      validateMode(e, child(s, 'defaultMode'), v.configMap.defaultMode);
    }
    if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) e.required(child(child(f, 'persistentVolumeClaim'), 'claimName'));
    if (v.downwardAPI) {
      const s = child(f, 'downwardAPI');
      validateMode(e, child(s, 'defaultMode'), v.downwardAPI.defaultMode);
      validateDownwardAPIItems(e, v.downwardAPI.items, child(s, 'items'));
    }
    if (v.projected) validateProjected(e, v.projected, child(f, 'projected'));
  });
  return names;
}

function validateProjected(e: Errs, p: NonNullable<Volume['projected']>, path: string): void {
  validateMode(e, child(path, 'defaultMode'), p.defaultMode);
  const paths = new Set<string>();
  const unique = (field: string, file: string | undefined) => {
    if (!file) return;
    if (paths.has(file)) e.invalid(field, file, 'conflicting duplicate paths');
    paths.add(file);
  };
  (p.sources ?? []).forEach((src, i) => {
    const f = index(child(path, 'sources'), i);
    const kinds = (['secret', 'configMap', 'downwardAPI'] as const).filter((k) => src[k] !== undefined && src[k] !== null);
    if (kinds.length !== 1) e.forbidden(f, 'may not specify more than 1 volume type per source');
    for (const k of ['secret', 'configMap'] as const) {
      const s = src[k];
      if (!s) continue;
      if (!s.name) e.required(child(child(f, k), 'name'));
      validateKeyToPaths(e, s.items, child(child(f, k), 'items'));
      (s.items ?? []).forEach((it, j) => unique(child(index(child(child(f, k), 'items'), j), 'path'), it.path));
    }
    if (src.downwardAPI) {
      validateDownwardAPIItems(e, src.downwardAPI.items, child(child(f, 'downwardAPI'), 'items'));
      (src.downwardAPI.items ?? []).forEach((it, j) => unique(child(index(child(child(f, 'downwardAPI'), 'items'), j), 'path'), it.path));
    }
  });
}

function validateDownwardAPIItems(e: Errs, items: DownwardAPIVolumeFile[] | undefined, path: string): void {
  (items ?? []).forEach((it, j) => {
    const g = index(path, j);
    validateRelativePath(e, child(g, 'path'), it.path);
    validateMode(e, child(g, 'mode'), it.mode);
    const n = (it.fieldRef ? 1 : 0) + (it.resourceFieldRef ? 1 : 0);
    if (n !== 1) e.invalid(g, it.path, 'must specify exactly one of fieldRef or resourceFieldRef');
    if (it.fieldRef) validateFieldRef(e, it.fieldRef.fieldPath, child(child(g, 'fieldRef'), 'fieldPath'));
    if (it.resourceFieldRef) {
      if (!it.resourceFieldRef.containerName) e.required(child(child(g, 'resourceFieldRef'), 'containerName'));
      oneOf(e, child(child(g, 'resourceFieldRef'), 'resource'), it.resourceFieldRef.resource, RESOURCE_FIELD_REFS);
    }
  });
}

function validateKeyToPaths(e: Errs, items: { key: string; path: string; mode?: number }[] | undefined, path: string): void {
  (items ?? []).forEach((it, i) => {
    const f = index(path, i);
    if (!it.key) e.required(child(f, 'key'));
    validateRelativePath(e, child(f, 'path'), it.path);
    validateMode(e, child(f, 'mode'), it.mode);
  });
}

function validateMode(e: Errs, field: string, mode: number | undefined): void {
  if (mode === undefined || mode === null) return;
  if (!isInt(mode) || mode < 0 || mode > 0o777) e.invalid(field, mode, 'must be a number between 0 and 0777 (octal), both inclusive');
}

function validateRelativePath(e: Errs, field: string, p: string | undefined): void {
  if (!p) {
    e.required(field);
    return;
  }
  if (p.startsWith('/')) e.invalid(field, p, 'must be a relative path');
  if (p.split('/').includes('..')) e.invalid(field, p, "must not contain '..'");
}

function validateFieldRef(e: Errs, fieldPath: string | undefined, field: string): void {
  if (!fieldPath) {
    e.required(field);
    return;
  }
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) {
    e.each(field, m[2], isQualifiedName(m[2]));
    return;
  }
  if (!(FIELD_REF_PATHS as readonly string[]).includes(fieldPath)) e.notSupported(field, fieldPath, FIELD_REF_PATHS);
}

function validateContainer(
  e: Errs,
  c: Container,
  path: string,
  volumes: Set<string>,
  names: Set<string>,
  portNames: Set<string>,
  isInit: boolean,
): void {
  if (!c || typeof c !== 'object') {
    e.required(path);
    return;
  }
  if (!c.name) e.required(child(path, 'name'));
  else {
    e.each(child(path, 'name'), c.name, isDNS1123Label(c.name));
    if (names.has(c.name)) e.duplicate(child(path, 'name'), c.name);
    names.add(c.name);
  }
  if (!c.image || c.image.trim() === '') e.required(child(path, 'image'));
  else if (c.image !== c.image.trim()) e.invalid(child(path, 'image'), c.image, 'must not have leading or trailing whitespace');
  oneOf(e, child(path, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES);
  oneOf(e, child(path, 'terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES);
  if (c.terminationMessagePath !== undefined && c.terminationMessagePath.length > 4096) e.tooLong(child(path, 'terminationMessagePath'), 4096, 'characters');
  (c.ports ?? []).forEach((p, i) => {
    const f = index(child(path, 'ports'), i);
    if (p.name) {
      e.each(child(f, 'name'), p.name, isValidPortName(p.name));
      if (portNames.has(p.name)) e.duplicate(child(f, 'name'), p.name);
      portNames.add(p.name);
    }
    if (p.containerPort === undefined || p.containerPort === null || p.containerPort === 0) e.required(child(f, 'containerPort'));
    else e.each(child(f, 'containerPort'), p.containerPort, isValidPortNum(p.containerPort));
    if (p.hostPort !== undefined && p.hostPort !== null && p.hostPort !== 0) e.each(child(f, 'hostPort'), p.hostPort, isValidPortNum(p.hostPort));
    oneOf(e, child(f, 'protocol'), p.protocol, PROTOCOLS);
    if (p.hostIP) validateIP(e, child(f, 'hostIP'), p.hostIP);
  });
  (c.env ?? []).forEach((v, i) => validateEnvVar(e, v, index(child(path, 'env'), i)));
  (c.envFrom ?? []).forEach((s, i) => {
    const f = index(child(path, 'envFrom'), i);
    if (s.prefix) e.each(child(f, 'prefix'), s.prefix, isEnvVarName(s.prefix));
    const n = (s.configMapRef ? 1 : 0) + (s.secretRef ? 1 : 0);
    if (n === 0) e.invalid(f, '', 'must specify one of: `configMapRef` or `secretRef`');
    else if (n > 1) e.invalid(f, '', 'may not have more than one field specified at a time');
    if (s.configMapRef && !s.configMapRef.name) e.required(child(child(f, 'configMapRef'), 'name'));
    if (s.secretRef && !s.secretRef.name) e.required(child(child(f, 'secretRef'), 'name'));
  });
  validateResources(e, c.resources, child(path, 'resources'));
  const mountPaths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const f = index(child(path, 'volumeMounts'), i);
    if (!m.name) e.required(child(f, 'name'));
    else if (!volumes.has(m.name)) e.invalid(child(f, 'name'), m.name, 'not found: must match the name of a volume');
    if (!m.mountPath) e.required(child(f, 'mountPath'));
    else {
      if (mountPaths.has(m.mountPath)) e.invalid(child(f, 'mountPath'), m.mountPath, 'must be unique');
      mountPaths.add(m.mountPath);
    }
    if (m.subPath) {
      if (m.subPath.startsWith('/')) e.invalid(child(f, 'subPath'), m.subPath, 'must be a relative path');
      if (m.subPath.split('/').includes('..')) e.invalid(child(f, 'subPath'), m.subPath, "must not contain '..'");
    }
    if (m.subPathExpr) {
      if (m.subPath) e.invalid(child(f, 'subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive');
      if (m.subPathExpr.startsWith('/')) e.invalid(child(f, 'subPathExpr'), m.subPathExpr, 'must be a relative path');
      if (m.subPathExpr.split('/').includes('..')) e.invalid(child(f, 'subPathExpr'), m.subPathExpr, "must not contain '..'");
    }
    if (m.mountPropagation) oneOf(e, child(f, 'mountPropagation'), m.mountPropagation, ['None', 'HostToContainer', 'Bidirectional']);
  });
  const probes = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
  for (const p of probes) {
    const probe = c[p];
    if (!probe) continue;
    if (isInit && p !== 'startupProbe') {
      e.forbidden(child(path, p), 'may not be set for init containers');
      continue;
    }
    validateProbe(e, probe, child(path, p), p !== 'readinessProbe');
  }
  if (c.lifecycle) {
    for (const h of ['postStart', 'preStop'] as const) {
      const handler = c.lifecycle[h];
      if (handler) validateHandler(e, handler, child(child(path, 'lifecycle'), h));
    }
  }
  if (c.securityContext) {
    const sc = c.securityContext;
    const f = child(path, 'securityContext');
    nonNegative(e, child(f, 'runAsUser'), sc.runAsUser);
    nonNegative(e, child(f, 'runAsGroup'), sc.runAsGroup);
    if (sc.privileged && sc.allowPrivilegeEscalation === false) {
      e.invalid(f, sc.allowPrivilegeEscalation, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true');
    }
  }
}

function validateEnvVar(e: Errs, v: EnvVar, path: string): void {
  if (!v.name) e.required(child(path, 'name'));
  else e.each(child(path, 'name'), v.name, isEnvVarName(v.name));
  const src = v.valueFrom;
  if (!src) return;
  const f = child(path, 'valueFrom');
  if (v.value) e.invalid(f, '', 'may not be specified when `value` is not empty');
  const n = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((k) => src[k]).length;
  if (n === 0) e.invalid(f, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
  else if (n > 1) e.invalid(f, '', 'may not have more than one field specified at a time');
  if (src.fieldRef) validateFieldRef(e, src.fieldRef.fieldPath, child(child(f, 'fieldRef'), 'fieldPath'));
  if (src.resourceFieldRef) {
    oneOf(e, child(child(f, 'resourceFieldRef'), 'resource'), src.resourceFieldRef.resource, RESOURCE_FIELD_REFS);
    if (src.resourceFieldRef.divisor !== undefined) validateQuantityString(e, child(child(f, 'resourceFieldRef'), 'divisor'), src.resourceFieldRef.divisor);
  }
  for (const k of ['configMapKeyRef', 'secretKeyRef'] as const) {
    const ref = src[k];
    if (!ref) continue;
    if (!ref.name) e.required(child(child(f, k), 'name'));
    if (!ref.key) e.required(child(child(f, k), 'key'));
    else e.each(child(child(f, k), 'key'), ref.key, isConfigMapKey(ref.key));
  }
}

function validateResourceList(e: Errs, list: Record<string, string> | undefined, path: string): void {
  for (const [name, q] of Object.entries(list ?? {})) {
    const f = key(path, name);
    const nameErrs = isQualifiedName(name);
    if (nameErrs.length) e.each(f, name, nameErrs);
    else if (!name.includes('/') && !STANDARD_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
      e.invalid(f, name, 'must be a standard resource type or fully qualified');
    }
    if (validateQuantityString(e, f, q) && parseQuantity(q).sign() < 0) e.invalid(f, q, 'must be greater than or equal to 0');
  }
}

function validateResources(e: Errs, r: ResourceRequirements | undefined, path: string): void {
  if (!r) return;
  validateResourceList(e, r.limits, child(path, 'limits'));
  validateResourceList(e, r.requests, child(path, 'requests'));
  for (const [name, req] of Object.entries(r.requests ?? {})) {
    const lim = r.limits?.[name];
    if (lim === undefined) continue;
    try {
      if (parseQuantity(req).cmp(parseQuantity(lim)) > 0) {
        e.invalid(key(child(path, 'requests'), name), req, `must be less than or equal to ${name} limit of ${lim}`);
      }
    } catch {
      // Already reported as an invalid quantity.
    }
  }
}

function handlerTypes(h: Probe): string[] {
  return (['exec', 'httpGet', 'tcpSocket', 'grpc'] as const).filter((k) => h[k] !== undefined && h[k] !== null);
}

/** a probe's handler (exactly one of exec, httpGet, tcpSocket, grpc), or a lifecycle hook's (no grpc in its type) */
function validateHandler(e: Errs, h: Probe, path: string): void {
  const types = handlerTypes(h);
  if (types.length === 0) e.required(path, 'must specify a handler type');
  else if (types.length > 1) for (const t of types.slice(1)) e.forbidden(child(path, t), 'may not specify more than 1 handler type');
  if (h.exec && !(h.exec.command?.length)) e.required(child(child(path, 'exec'), 'command'));
  if (h.httpGet) {
    const f = child(path, 'httpGet');
    validatePortNumOrName(e, child(f, 'port'), h.httpGet.port);
    oneOf(e, child(f, 'scheme'), h.httpGet.scheme, ['HTTP', 'HTTPS'], true);
    (h.httpGet.httpHeaders ?? []).forEach((hd, i) => {
      if (!hd.name || !/^[-A-Za-z0-9!#$%&'*+.^_`|~]+$/.test(hd.name)) e.invalid(child(index(child(f, 'httpHeaders'), i), 'name'), hd.name, 'a valid HTTP header must consist of alphanumeric characters or \'-\'');
    });
  }
  if (h.tcpSocket) validatePortNumOrName(e, child(child(path, 'tcpSocket'), 'port'), h.tcpSocket.port);
  if (h.grpc) {
    // an int32 in Kubernetes: absent is 0, and a port name is no port
    const port: unknown = h.grpc.port ?? 0;
    const f = child(child(path, 'grpc'), 'port');
    if (typeof port !== 'number') e.invalid(f, port, 'must be an integer');
    else e.each(f, port, isValidPortNum(port));
  }
}

function validateProbe(e: Errs, p: Probe, path: string, successMustBeOne: boolean): void {
  validateHandler(e, p, path);
  nonNegative(e, child(path, 'initialDelaySeconds'), p.initialDelaySeconds);
  nonNegative(e, child(path, 'timeoutSeconds'), p.timeoutSeconds);
  nonNegative(e, child(path, 'periodSeconds'), p.periodSeconds);
  nonNegative(e, child(path, 'successThreshold'), p.successThreshold);
  nonNegative(e, child(path, 'failureThreshold'), p.failureThreshold);
  if (p.terminationGracePeriodSeconds !== undefined) positive(e, child(path, 'terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds);
  if (successMustBeOne && p.successThreshold !== undefined && p.successThreshold !== 1) {
    e.invalid(child(path, 'successThreshold'), p.successThreshold, 'must be 1');
  }
}

export function validateToleration(e: Errs, t: Toleration, path: string): void {
  const op = t.operator || 'Equal';
  if (t.key) e.each(child(path, 'key'), t.key, isQualifiedName(t.key));
  else if (op !== 'Exists') e.invalid(child(path, 'operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"');
  if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
    e.invalid(child(path, 'effect'), t.effect ?? '', 'effect must be \'NoExecute\' when `tolerationSeconds` is set');
  }
  if (!(TOLERATION_OPERATORS as readonly string[]).includes(op)) e.notSupported(child(path, 'operator'), t.operator, TOLERATION_OPERATORS);
  else if (op === 'Equal' && t.value) e.each(child(path, 'value'), t.value, isValidLabelValue(t.value));
  else if (op === 'Exists' && t.value) e.invalid(child(path, 'operator'), t.operator, 'value must be empty when `operator` is \'Exists\'');
  oneOf(e, child(path, 'effect'), t.effect, TAINT_EFFECTS, true);
}

function validateNodeSelectorRequirement(e: Errs, r: { key: string; operator: string; values?: string[] }, path: string, isField: boolean): void {
  const values = r.values ?? [];
  oneOf(e, child(path, 'operator'), r.operator, NODE_SELECTOR_OPERATORS);
  if ((r.operator === 'In' || r.operator === 'NotIn') && values.length === 0) e.required(child(path, 'values'), 'must be specified when `operator` is \'In\' or \'NotIn\'');
  if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && values.length > 0) e.forbidden(child(path, 'values'), 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'');
  if ((r.operator === 'Gt' || r.operator === 'Lt') && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) e.required(child(path, 'values'), 'must be specified single value when `operator` is \'Lt\' or \'Gt\'');
  if (isField) {
    if (r.key !== 'metadata.name') e.notSupported(child(path, 'key'), r.key, ['metadata.name']);
  } else {
    e.each(child(path, 'key'), r.key, isQualifiedName(r.key ?? ''));
  }
}

function validateNodeSelectorTerm(e: Errs, t: { matchExpressions?: { key: string; operator: string; values?: string[] }[]; matchFields?: { key: string; operator: string; values?: string[] }[] }, path: string): void {
  (t.matchExpressions ?? []).forEach((r, i) => validateNodeSelectorRequirement(e, r, index(child(path, 'matchExpressions'), i), false));
  (t.matchFields ?? []).forEach((r, i) => validateNodeSelectorRequirement(e, r, index(child(path, 'matchFields'), i), true));
}

function validateWeight(e: Errs, field: string, w: number | undefined): void {
  if (!isInt(w) || w < 1 || w > 100) e.invalid(field, w, 'must be in the range 1-100');
}

function validateAffinity(e: Errs, spec: PodSpec, path: string): void {
  const a = spec.affinity;
  if (!a) return;
  const na = a.nodeAffinity;
  if (na) {
    const f = child(path, 'nodeAffinity');
    const req = na.requiredDuringSchedulingIgnoredDuringExecution;
    if (req) {
      const g = child(child(f, 'requiredDuringSchedulingIgnoredDuringExecution'), 'nodeSelectorTerms');
      if (!(req.nodeSelectorTerms?.length)) e.required(g, 'must have at least one node selector term');
      (req.nodeSelectorTerms ?? []).forEach((t, i) => validateNodeSelectorTerm(e, t, index(g, i)));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p, i) => {
      const g = index(child(f, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      validateWeight(e, child(g, 'weight'), p.weight);
      if (p.preference) validateNodeSelectorTerm(e, p.preference, child(g, 'preference'));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = a[kind];
    if (!pa) continue;
    const f = child(path, kind);
    const term = (t: { topologyKey: string; labelSelector?: object; namespaceSelector?: object; namespaces?: string[] }, g: string) => {
      if (!t.topologyKey) e.required(child(g, 'topologyKey'), 'can not be empty');
      else e.each(child(g, 'topologyKey'), t.topologyKey, isQualifiedName(t.topologyKey));
      validateLabelSelector(e, child(g, 'labelSelector'), t.labelSelector);
      validateLabelSelector(e, child(g, 'namespaceSelector'), t.namespaceSelector);
      (t.namespaces ?? []).forEach((n, i) => e.each(index(child(g, 'namespaces'), i), n, isDNS1123Label(n)));
    };
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => term(t, index(child(f, 'requiredDuringSchedulingIgnoredDuringExecution'), i)));
    (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((w, i) => {
      const g = index(child(f, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      validateWeight(e, child(g, 'weight'), w.weight);
      if (!w.podAffinityTerm) e.required(child(g, 'podAffinityTerm'));
      else term(w.podAffinityTerm, child(g, 'podAffinityTerm'));
    });
  }
}

const UPDATE_DETAIL =
  'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations)';

/** Pod spec updates: only images, activeDeadlineSeconds (set or lowered) and added tolerations. */
export function validatePodSpecUpdate(spec: PodSpec, old: PodSpec, path = 'spec'): FieldError[] {
  const e = new Errs();
  const ad = child(path, 'activeDeadlineSeconds');
  if (old.activeDeadlineSeconds !== undefined && old.activeDeadlineSeconds !== null) {
    if (spec.activeDeadlineSeconds === undefined || spec.activeDeadlineSeconds === null) e.invalid(ad, spec.activeDeadlineSeconds ?? null, 'must not update from a positive integer to nil value');
    else if (spec.activeDeadlineSeconds > old.activeDeadlineSeconds) e.invalid(ad, spec.activeDeadlineSeconds, 'must be less than or equal to previous value');
  }
  const oldTols = old.tolerations ?? [];
  const newTols = spec.tolerations ?? [];
  for (const t of oldTols) {
    if (!newTols.some((n) => jsonEqual(n, t))) {
      e.forbidden(child(path, 'tolerations'), 'existing toleration can not be modified except its tolerationSeconds');
      break;
    }
  }
  // Compare everything else: copy the mutable fields from old into a copy of the new spec.
  const copy = structuredClone(spec);
  copy.activeDeadlineSeconds = old.activeDeadlineSeconds;
  copy.tolerations = old.tolerations;
  for (const list of ['containers', 'initContainers'] as const) {
    const n = copy[list];
    const o = old[list];
    if (!n || !o || n.length !== o.length) continue;
    n.forEach((c, i) => {
      c.image = o[i].image;
    });
  }
  if (!jsonEqual(stripUndefined(copy), stripUndefined(old))) e.forbidden(path, UPDATE_DETAIL);
  return e.list;
}

function stripUndefined<T>(v: T): T {
  return JSON.parse(JSON.stringify(v ?? null)) as T;
}
