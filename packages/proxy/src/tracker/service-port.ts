// A Service as the proxy sees it: one ServicePortInfo per port, keyed by its ServicePortName
// ("ns/name:port", or "ns/name" for an unnamed port), as kube-proxy's ServicePortName.String().
import type { Service } from '@skiff/api';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** Kubernetes' default ClientIP affinity timeout (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export interface ServicePortInfo {
  /** "ns/name:port" (the ServicePortName string). */
  readonly name: string;
  /** "ns/name". */
  readonly service: string;
  readonly portName: string;
  readonly protocol: Protocol;
  readonly clusterIP: string;
  readonly port: number;
  /** 0 when the service has no node port. */
  readonly nodePort: number;
  readonly externalIPs: readonly string[];
  /** Set only for sessionAffinity ClientIP. */
  readonly affinityTimeoutSeconds?: number;
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  /** spec.healthCheckNodePort of an externalTrafficPolicy Local service (the apiserver allocates it for LoadBalancers). */
  readonly healthCheckNodePort?: number;
}

export function servicePortName(service: string, portName: string | undefined): string {
  return portName ? `${service}:${portName}` : service;
}

export function serviceKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? 'default'}/${name ?? ''}`;
}

/** True when the port is reachable from outside the cluster network (node port or external IPs). */
export function externallyAccessible(p: ServicePortInfo): boolean {
  return p.nodePort > 0 || p.externalIPs.length > 0;
}

/** As kube-proxy's UsesClusterEndpoints: some traffic goes to endpoints on any node. */
export function usesClusterEndpoints(p: ServicePortInfo): boolean {
  return !p.internalPolicyLocal || (externallyAccessible(p) && !p.externalPolicyLocal);
}

/** As kube-proxy's UsesLocalEndpoints: some traffic goes only to endpoints on this node. */
export function usesLocalEndpoints(p: ServicePortInfo): boolean {
  return p.internalPolicyLocal || (externallyAccessible(p) && p.externalPolicyLocal);
}

function protocolOf(p: string | undefined): Protocol {
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/**
 * The ports of a Service, keyed by ServicePortName. Services the proxy does not program yield none:
 * headless (clusterIP None), ExternalName, and not yet allocated.
 */
export function servicePortsOf(svc: Service | undefined): Map<string, ServicePortInfo> {
  const out = new Map<string, ServicePortInfo>();
  const spec = svc?.spec;
  if (!svc || !spec) return out;
  const clusterIP = spec.clusterIP ?? '';
  if (spec.type === 'ExternalName' || clusterIP === '' || clusterIP === 'None') return out;
  const service = serviceKey(svc.metadata?.namespace, svc.metadata?.name);
  const affinity =
    spec.sessionAffinity === 'ClientIP'
      ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_TIMEOUT_SECONDS)
      : undefined;
  const nodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  const externalPolicyLocal = spec.externalTrafficPolicy === 'Local' && (nodePorts || (spec.externalIPs?.length ?? 0) > 0);
  const healthCheck = externalPolicyLocal && spec.healthCheckNodePort ? { healthCheckNodePort: spec.healthCheckNodePort } : {};
  for (const p of spec.ports ?? []) {
    const name = servicePortName(service, p.name);
    out.set(name, {
      name,
      service,
      portName: p.name ?? '',
      protocol: protocolOf(p.protocol),
      clusterIP,
      port: p.port,
      nodePort: nodePorts ? (p.nodePort ?? 0) : 0,
      externalIPs: [...(spec.externalIPs ?? [])],
      ...(affinity !== undefined ? { affinityTimeoutSeconds: affinity } : {}),
      externalPolicyLocal,
      internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
      ...healthCheck,
    });
  }
  return out;
}
