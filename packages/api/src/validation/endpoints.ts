// Endpoints validation.
import type { FieldError } from '../errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from '../names.js';
import type { KObject } from '../object.js';
import type { EndpointAddress, EndpointSubset } from '../types/service.js';
import { Errs, PROTOCOLS, child, index, oneOf, validateIP } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

export function validateEndpoints(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1123Subdomain }));
  const subsets = (obj.subsets ?? []) as EndpointSubset[];
  if (!Array.isArray(subsets)) e.invalid('subsets', subsets, 'must be a list');
  else subsets.forEach((s, i) => validateSubset(e, s, index('subsets', i)));
  if (old) e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
  return e.list;
}

function validateAddress(e: Errs, a: EndpointAddress, path: string): void {
  if (!a.ip) e.required(child(path, 'ip'));
  else validateIP(e, child(path, 'ip'), a.ip);
  if (a.hostname) e.each(child(path, 'hostname'), a.hostname, isDNS1123Label(a.hostname));
  if (a.nodeName) e.each(child(path, 'nodeName'), a.nodeName, isDNS1123Subdomain(a.nodeName));
}

function validateSubset(e: Errs, s: EndpointSubset, path: string): void {
  const addrs = s.addresses ?? [];
  const notReady = s.notReadyAddresses ?? [];
  if (addrs.length === 0 && notReady.length === 0) e.required(path, 'must specify `addresses` or `notReadyAddresses`');
  addrs.forEach((a, i) => validateAddress(e, a, index(child(path, 'addresses'), i)));
  notReady.forEach((a, i) => validateAddress(e, a, index(child(path, 'notReadyAddresses'), i)));
  const ports = s.ports ?? [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const f = index(child(path, 'ports'), i);
    if (ports.length > 1 && !p.name) e.required(child(f, 'name'));
    if (p.name) {
      e.each(child(f, 'name'), p.name, isDNS1123Label(p.name));
      if (names.has(p.name)) e.duplicate(child(f, 'name'), p.name);
      names.add(p.name);
    }
    if (p.port === undefined || p.port === null) e.required(child(f, 'port'));
    else e.each(child(f, 'port'), p.port, isValidPortNum(p.port));
    oneOf(e, child(f, 'protocol'), p.protocol, PROTOCOLS);
  });
}
