// Kubernetes' defaults for Services and Endpoints.
import type { KObject } from '../object.js';
import type { EndpointSubset, ServiceSpec } from '../types/service.js';

/** ClientIP session affinity timeout: 3 hours. */
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

export function defaultService(obj: KObject): void {
  const spec = obj.spec as ServiceSpec | undefined;
  if (!spec || typeof spec !== 'object') return;
  if (!spec.type) spec.type = 'ClusterIP';
  if (!spec.sessionAffinity) spec.sessionAffinity = 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    spec.sessionAffinityConfig ??= {};
    spec.sessionAffinityConfig.clientIP ??= {};
    spec.sessionAffinityConfig.clientIP.timeoutSeconds ??= DEFAULT_CLIENT_IP_TIMEOUT_SECONDS;
  }
  for (const p of spec.ports ?? []) {
    if (!p.protocol) p.protocol = 'TCP';
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type !== 'ExternalName' && !spec.internalTrafficPolicy) spec.internalTrafficPolicy = 'Cluster';
  if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
}

export function defaultEndpoints(obj: KObject): void {
  const subsets = obj.subsets as EndpointSubset[] | undefined;
  if (!Array.isArray(subsets)) return;
  for (const s of subsets) for (const p of s.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
}
