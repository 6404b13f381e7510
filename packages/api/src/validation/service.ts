// Service validation.
import type { FieldError } from '../errors.js';
import { isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isValidPortName, isValidPortNum } from '../names.js';
import type { KObject } from '../object.js';
import type { ServiceSpec } from '../types/service.js';
import { Errs, PROTOCOLS, child, immutable, index, isInt, oneOf, validateIP, validateIPv4, validateLabelMap } from './errs.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './metadata.js';

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
export const SESSION_AFFINITIES = ['None', 'ClientIP'] as const;
const TRAFFIC_POLICIES = ['Cluster', 'Local'] as const;

export function validateService(obj: KObject, old?: KObject): FieldError[] {
  const e = new Errs();
  e.list.push(...validateObjectMeta(obj.metadata, { namespaced: true, nameFn: isDNS1035Label }));
  const spec = obj.spec as ServiceSpec | undefined;
  if (!spec || typeof spec !== 'object') e.required('spec');
  else validateServiceSpec(e, spec);
  if (old) {
    e.list.push(...validateObjectMetaUpdate(obj.metadata, old.metadata));
    const o = (old.spec ?? {}) as ServiceSpec;
    const n = spec ?? {};
    // The clusterIP cannot change once set, except when changing to or from ExternalName.
    if (o.type !== 'ExternalName' && n.type !== 'ExternalName' && o.clusterIP) {
      immutable(e, 'spec.clusterIP', n.clusterIP ?? '', o.clusterIP);
    }
  }
  return e.list;
}

function validateServiceSpec(e: Errs, spec: ServiceSpec): void {
  const p = 'spec';
  oneOf(e, 'spec.type', spec.type, SERVICE_TYPES);
  const type = spec.type;
  const headless = spec.clusterIP === 'None';
  const ports = spec.ports ?? [];
  if (type === 'ExternalName') {
    if (!spec.externalName) e.required('spec.externalName');
    else {
      const name = spec.externalName.endsWith('.') ? spec.externalName.slice(0, -1) : spec.externalName;
      e.each('spec.externalName', spec.externalName, isDNS1123Subdomain(name));
    }
    if (spec.clusterIP) e.forbidden('spec.clusterIP', 'may not be set for ExternalName services');
  } else if (ports.length === 0 && !headless) {
    e.required('spec.ports');
  }
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((port, i) => {
    const f = index('spec.ports', i);
    if (ports.length > 1 && !port.name) e.required(child(f, 'name'));
    if (port.name) {
      e.each(child(f, 'name'), port.name, isDNS1123Label(port.name));
      if (names.has(port.name)) e.duplicate(child(f, 'name'), port.name);
      names.add(port.name);
    }
    if (port.port === undefined || port.port === null || port.port === 0) e.required(child(f, 'port'));
    else e.each(child(f, 'port'), port.port, isValidPortNum(port.port));
    oneOf(e, child(f, 'protocol'), port.protocol, PROTOCOLS);
    const tp = port.targetPort;
    if (typeof tp === 'number') {
      if (tp !== 0) e.each(child(f, 'targetPort'), tp, isValidPortNum(tp));
    } else if (typeof tp === 'string' && tp !== '') {
      e.each(child(f, 'targetPort'), tp, isValidPortName(tp));
    }
    if (port.nodePort !== undefined && port.nodePort !== null && port.nodePort !== 0) {
      if (type === 'ClusterIP' || type === 'ExternalName') e.forbidden(child(f, 'nodePort'), `may not be used when \`type\` is '${type}'`);
      else if (!isInt(port.nodePort) || port.nodePort < 1 || port.nodePort > 65535) e.invalid(child(f, 'nodePort'), port.nodePort, 'must be between 1 and 65535, inclusive');
    }
    const k = `${port.port}/${port.protocol ?? ''}`;
    if (seen.has(k)) e.duplicate(f, { port: port.port, protocol: port.protocol });
    seen.add(k);
  });
  validateLabelMap(e, 'spec.selector', spec.selector);
  if (spec.clusterIP && !headless) validateIPv4(e, 'spec.clusterIP', spec.clusterIP);
  if (spec.clusterIPs?.length) {
    if (spec.clusterIP && spec.clusterIPs[0] !== spec.clusterIP) e.invalid('spec.clusterIPs[0]', spec.clusterIPs[0], 'must be same as clusterIP');
    spec.clusterIPs.forEach((ip, i) => {
      if (ip !== 'None') validateIP(e, index('spec.clusterIPs', i), ip);
    });
  }
  (spec.externalIPs ?? []).forEach((ip, i) => validateIP(e, index('spec.externalIPs', i), ip));
  if (spec.loadBalancerIP) {
    if (type !== 'LoadBalancer') e.forbidden('spec.loadBalancerIP', 'may not be used when `type` is not \'LoadBalancer\'');
    else validateIP(e, 'spec.loadBalancerIP', spec.loadBalancerIP);
  }
  oneOf(e, child(p, 'sessionAffinity'), spec.sessionAffinity, SESSION_AFFINITIES, type === 'ExternalName');
  const cfg = spec.sessionAffinityConfig;
  if (cfg && (cfg.clientIP || Object.keys(cfg).length)) {
    if (spec.sessionAffinity !== 'ClientIP') e.forbidden('spec.sessionAffinityConfig', "must not be set when session affinity is 'None'");
    const t = cfg.clientIP?.timeoutSeconds;
    if (t !== undefined && t !== null && (!isInt(t) || t < 1 || t > 86400)) {
      e.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, 'must be greater than 0 and less than 86400');
    }
  }
  if (spec.externalTrafficPolicy) {
    if (type !== 'NodePort' && type !== 'LoadBalancer') e.forbidden('spec.externalTrafficPolicy', 'may only be set when `type` is \'NodePort\' or \'LoadBalancer\'');
    else oneOf(e, 'spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES);
  }
  oneOf(e, 'spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES, true);
  if (spec.healthCheckNodePort) {
    if (type !== 'LoadBalancer' || spec.externalTrafficPolicy !== 'Local') e.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\'');
    else e.each('spec.healthCheckNodePort', spec.healthCheckNodePort, isValidPortNum(spec.healthCheckNodePort));
  }
  (spec.ipFamilies ?? []).forEach((f, i) => oneOf(e, index('spec.ipFamilies', i), f, ['IPv4', 'IPv6']));
  oneOf(e, 'spec.ipFamilyPolicy', spec.ipFamilyPolicy, ['SingleStack', 'PreferDualStack', 'RequireDualStack'], true);
}
