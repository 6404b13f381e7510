// Plans the ClusterIP and NodePort allocations of a Service write: which values the Service gets,
// which allocation keys must be created (only if absent) and which freed, in the same transaction.
import { fieldError, invalid, type FieldError, type KObject } from '@skiff/api';
import type { RangeAllocator } from './allocator.js';

interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
  nodePort?: number;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
}

/** A LoadBalancer Service with externalTrafficPolicy Local gets a health check node port. */
const needsHealthCheckNodePort = (s: ServiceSpec): boolean => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

export interface AllocationPlan {
  allocateIPs: string[];
  freeIPs: string[];
  allocatePorts: number[];
  freePorts: number[];
  /** Values chosen by the server (a conflict on them is retried with others, not reported). */
  autoIPs: Set<string>;
  autoPorts: Set<number>;
}

export function emptyPlan(): AllocationPlan {
  return { allocateIPs: [], freeIPs: [], allocatePorts: [], freePorts: [], autoIPs: new Set(), autoPorts: new Set() };
}

export function allocatedIPs(svc: KObject | undefined): string[] {
  const spec = (svc?.spec ?? {}) as ServiceSpec;
  if (!spec.clusterIP || spec.clusterIP === 'None' || spec.type === 'ExternalName') return [];
  return [spec.clusterIP];
}

export function allocatedPorts(svc: KObject | undefined): number[] {
  const spec = (svc?.spec ?? {}) as ServiceSpec;
  const ports = (spec.ports ?? []).map((p) => p.nodePort);
  return [...ports, spec.healthCheckNodePort].filter((p): p is number => typeof p === 'number' && p > 0);
}

/**
 * Fills spec.clusterIP(s), ports[].nodePort and healthCheckNodePort of `svc` (mutated) and returns the plan.
 * `old` is the stored Service on update. Throws INVALID_ARGUMENT for a requested value that is out
 * of range or known to be taken.
 */
export function planServiceAllocations(
  svc: KObject,
  old: KObject | undefined,
  ips: RangeAllocator<string>,
  ports: RangeAllocator<number>,
): AllocationPlan {
  const spec = (svc.spec ?? {}) as ServiceSpec;
  svc.spec = spec;
  const oldSpec = (old?.spec ?? {}) as ServiceSpec;
  const plan = emptyPlan();
  const errors: FieldError[] = [];
  const name = svc.metadata.name ?? '';

  // ClusterIP.
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else if (spec.clusterIP === 'None') {
    spec.clusterIPs = ['None'];
  } else if (!spec.clusterIP) {
    const keep = allocatedIPs(old)[0];
    const ip = keep ?? ips.pick();
    if (!ip) errors.push(fieldError('spec.clusterIP', 'Invalid', 'the ClusterIP range is full'));
    else {
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      if (!keep) {
        plan.allocateIPs.push(ip);
        plan.autoIPs.add(ip);
      }
    }
  } else if (spec.clusterIP !== oldSpec.clusterIP) {
    if (!ips.contains(spec.clusterIP)) {
      errors.push(fieldError('spec.clusterIP', 'Invalid', 'provided IP is not in the valid range of the service CIDR', spec.clusterIP));
    } else if (ips.isTaken(spec.clusterIP)) {
      errors.push(fieldError('spec.clusterIP', 'Invalid', 'provided IP is already allocated', spec.clusterIP));
    } else {
      plan.allocateIPs.push(spec.clusterIP);
      spec.clusterIPs = [spec.clusterIP];
    }
  } else {
    spec.clusterIPs = [spec.clusterIP];
  }
  const newIPs = new Set(allocatedIPs(svc));
  plan.freeIPs = allocatedIPs(old).filter((ip) => !newIPs.has(ip));

  // NodePorts.
  const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const oldPorts = oldSpec.ports ?? [];
  const oldKept = new Set(allocatedPorts(old));
  const chosen = new Set<number>();
  /** A port the client asked for: kept, newly allocated, or an error. */
  const requested = (path: string, port: number): void => {
    if (chosen.has(port)) errors.push(fieldError(path, 'Duplicate', 'node port is used twice in this Service', port));
    else if (oldKept.has(port)) chosen.add(port);
    else if (!ports.contains(port)) errors.push(fieldError(path, 'Invalid', 'provided port is not in the valid range', port));
    else if (ports.isTaken(port)) errors.push(fieldError(path, 'Invalid', 'provided port is already allocated', port));
    else {
      chosen.add(port);
      plan.allocatePorts.push(port);
    }
  };
  /** A port the server picks; undefined (and an error) when the range is full. */
  const pick = (path: string): number | undefined => {
    const picked = ports.pick(chosen);
    if (picked === undefined) {
      errors.push(fieldError(path, 'Invalid', 'the NodePort range is full'));
      return undefined;
    }
    chosen.add(picked);
    plan.allocatePorts.push(picked);
    plan.autoPorts.add(picked);
    return picked;
  };
  (spec.ports ?? []).forEach((p, i) => {
    const path = `spec.ports[${i}].nodePort`;
    if (!wantsNodePorts) {
      if (p.nodePort) errors.push(fieldError(path, 'Forbidden', `may not be used when \`type\` is '${spec.type ?? 'ClusterIP'}'`, p.nodePort));
      return;
    }
    if (p.nodePort) {
      requested(path, p.nodePort);
      return;
    }
    const match = oldPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort && !chosen.has(o.nodePort));
    if (match?.nodePort && oldKept.has(match.nodePort)) {
      p.nodePort = match.nodePort;
      chosen.add(match.nodePort);
      return;
    }
    const picked = pick(path);
    if (picked !== undefined) p.nodePort = picked;
  });
  // The health check node port (Kubernetes' allocHealthCheckNodePort): kept across updates that
  // omit it, freed when the Service no longer needs one.
  if (needsHealthCheckNodePort(spec)) {
    const path = 'spec.healthCheckNodePort';
    const keep = needsHealthCheckNodePort(oldSpec) ? oldSpec.healthCheckNodePort : undefined;
    if (spec.healthCheckNodePort) requested(path, spec.healthCheckNodePort);
    else if (keep && oldKept.has(keep) && !chosen.has(keep)) {
      spec.healthCheckNodePort = keep;
      chosen.add(keep);
    } else {
      const picked = pick(path);
      if (picked !== undefined) spec.healthCheckNodePort = picked;
    }
  }
  plan.freePorts = [...oldKept].filter((p) => !chosen.has(p));
  if (errors.length > 0) throw invalid('Service', name, errors);
  return plan;
}
