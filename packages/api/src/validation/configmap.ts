// ConfigMap and Secret validation.
import type { FieldError } from '../errors.js';
import { isConfigMapKey, isDNS1123Subdomain } from '../names.js';
import type { KObject } from '../object.js';
import { jsonEqual } from '../json-equal.js';
import { Errs, key } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

/** Total size of a ConfigMap's or Secret's data. */
export const MAX_DATA_SIZE = 1024 * 1024;

export const SECRET_TYPES = {
  opaque: 'Opaque',
  serviceAccountToken: 'kubernetes.io/service-account-token',
  dockercfg: 'kubernetes.io/dockercfg',
  dockerConfigJson: 'kubernetes.io/dockerconfigjson',
  basicAuth: 'kubernetes.io/basic-auth',
  sshAuth: 'kubernetes.io/ssh-auth',
  tls: 'kubernetes.io/tls',
  bootstrapToken: 'bootstrap.kubernetes.io/token',
} as const;

function stringMap(v: unknown): Record<string, string> {
  return v && typeof v === 'object' ? (v as Record<string, string>) : {};
}

export function validateConfigMap(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const data = stringMap(obj.data);
  const binary = stringMap(obj.binaryData);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    e.each(key('data', k), k, isConfigMapKey(k));
    size += Buffer.byteLength(String(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    e.each(key('binaryData', k), k, isConfigMapKey(k));
    if (k in data) e.invalid(key('data', k), k, 'duplicate of key present in binaryData');
    size += Buffer.from(String(v), 'base64').length;
  }
  if (size > MAX_DATA_SIZE) e.tooLong('data', MAX_DATA_SIZE);
  if (old) {
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    if (old.immutable === true) {
      if (obj.immutable !== true) e.forbidden('immutable', 'field is immutable when `immutable` is set');
      if (!jsonEqual(obj.data ?? {}, old.data ?? {})) e.forbidden('data', 'field is immutable when `immutable` is set');
      if (!jsonEqual(obj.binaryData ?? {}, old.binaryData ?? {})) e.forbidden('binaryData', 'field is immutable when `immutable` is set');
    }
  }
  return e.list;
}

export function validateSecret(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const data = stringMap(obj.data);
  const stringData = stringMap(obj.stringData);
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    e.each(key('data', k), k, isConfigMapKey(k));
    size += Buffer.from(String(v), 'base64').length;
  }
  for (const [k, v] of Object.entries(stringData)) {
    e.each(key('stringData', k), k, isConfigMapKey(k));
    if (!(k in data)) size += Buffer.byteLength(String(v));
  }
  if (size > MAX_DATA_SIZE) e.tooLong('data', MAX_DATA_SIZE);
  const type = typeof obj.type === 'string' ? obj.type : '';
  if (!type) e.required('type');
  const has = (k: string) => k in data || k in stringData;
  const annotations = obj.metadata?.annotations ?? {};
  switch (type) {
    case SECRET_TYPES.serviceAccountToken:
      if (!annotations['kubernetes.io/service-account.name']) e.required('metadata.annotations[kubernetes.io/service-account.name]');
      break;
    case SECRET_TYPES.dockercfg:
      if (!has('.dockercfg')) e.required(key('data', '.dockercfg'));
      break;
    case SECRET_TYPES.dockerConfigJson:
      if (!has('.dockerconfigjson')) e.required(key('data', '.dockerconfigjson'));
      break;
    case SECRET_TYPES.basicAuth:
      if (!has('username') && !has('password')) e.required('data[username]', 'must specify at least one of `username` or `password`');
      break;
    case SECRET_TYPES.sshAuth:
      if (!has('ssh-privatekey')) e.required(key('data', 'ssh-privatekey'));
      break;
    case SECRET_TYPES.tls:
      if (!has('tls.crt')) e.required(key('data', 'tls.crt'));
      if (!has('tls.key')) e.required(key('data', 'tls.key'));
      break;
    default:
      break;
  }
  if (old) {
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    if ((old.type ?? '') !== '' && obj.type !== old.type) e.invalid('type', obj.type, 'field is immutable');
    if (old.immutable === true) {
      if (obj.immutable !== true) e.forbidden('immutable', 'field is immutable when `immutable` is set');
      if (!jsonEqual(obj.data ?? {}, old.data ?? {}) || Object.keys(stringData).length) e.forbidden('data', 'field is immutable when `immutable` is set');
    }
  }
  return e.list;
}
