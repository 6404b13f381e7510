// Fields of a Service that only mean something for some types, as Kubernetes' service registry
// (pkg/registry/core/service/storage: dropTypeDependentFields, patchAllocatedValues): a change of
// `type` alone clears the fields the new type does not use (when the client left them as they
// were), and an update that omits an allocated value keeps it.
import { jsonEqual, type ServiceSpec } from '@skiff/api';

const typeOf = (s: ServiceSpec): string => s.type || 'ClusterIP';
const needsClusterIP = (s: ServiceSpec): boolean => typeOf(s) !== 'ExternalName';
const needsNodePort = (s: ServiceSpec): boolean => typeOf(s) === 'NodePort' || typeOf(s) === 'LoadBalancer';
const needsHealthCheckNodePort = (s: ServiceSpec): boolean => typeOf(s) === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';

function nodePorts(s: ServiceSpec): Set<number> {
  return new Set((s.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0));
}

/** The client left the cluster IPs as stored, or empty. */
function sameClusterIPs(next: ServiceSpec, old: ServiceSpec): boolean {
  const ipsSame = !next.clusterIPs?.length || jsonEqual(next.clusterIPs, old.clusterIPs);
  return (!next.clusterIP || next.clusterIP === old.clusterIP) && ipsSame;
}

/** Clears what the new type does not use, where the client did not change it (dropTypeDependentFields). */
export function dropTypeDependentFields(next: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && !needsClusterIP(next)) {
    if (sameClusterIPs(next, old)) {
      delete next.clusterIP;
      delete next.clusterIPs;
    }
    if (jsonEqual(next.ipFamilies, old.ipFamilies)) delete next.ipFamilies;
    if (next.ipFamilyPolicy === old.ipFamilyPolicy) delete next.ipFamilyPolicy;
  }
  if (needsNodePort(old) && !needsNodePort(next)) {
    const oldPorts = nodePorts(old);
    // Only when no net-new node port was asked for: those stay and fail validation.
    if ([...nodePorts(next)].every((p) => oldPorts.has(p))) for (const p of next.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(next) && next.healthCheckNodePort === old.healthCheckNodePort) {
    delete next.healthCheckNodePort;
  }
  if (!needsNodePort(next) && next.externalTrafficPolicy === old.externalTrafficPolicy) delete next.externalTrafficPolicy;
  if (!needsClusterIP(next) && next.internalTrafficPolicy === old.internalTrafficPolicy) delete next.internalTrafficPolicy;
  // sessionAffinityConfig belongs to ClientIP affinity: switching to None drops an unchanged one.
  if ((next.sessionAffinity ?? 'None') !== 'ClientIP' && jsonEqual(next.sessionAffinityConfig, old.sessionAffinityConfig)) {
    delete next.sessionAffinityConfig;
  }
}

/** An update that omits an allocated ClusterIP keeps it (patchAllocatedValues; node ports: see planServiceAllocations). */
export function keepAllocatedValues(next: ServiceSpec, old: ServiceSpec): void {
  if (needsClusterIP(old) && needsClusterIP(next)) {
    if (!next.clusterIP && old.clusterIP) next.clusterIP = old.clusterIP;
    if (!next.clusterIPs?.length && old.clusterIPs?.length) next.clusterIPs = [...old.clusterIPs];
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(next) && !next.healthCheckNodePort && old.healthCheckNodePort) {
    next.healthCheckNodePort = old.healthCheckNodePort;
  }
}

/**
 * ipFamilyPolicy / ipFamilies of a Service that has cluster IPs, as Kubernetes on a single-stack
 * cluster: SingleStack and the cluster's family. None for ExternalName; a headless Service without
 * a selector defaults to RequireDualStack with every family the cluster has (Kubernetes' dual-stack
 * rule for those).
 */
export function defaultIPFamilies(spec: ServiceSpec, clusterFamilies: readonly string[]): void {
  if (!needsClusterIP(spec)) return;
  const headlessSelectorless = spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0;
  spec.ipFamilyPolicy ??= headlessSelectorless ? 'RequireDualStack' : 'SingleStack';
  if (!spec.ipFamilies?.length) spec.ipFamilies = spec.ipFamilyPolicy === 'SingleStack' ? [clusterFamilies[0]!] : [...clusterFamilies];
}
