// What a Service's Endpoints should hold, as Kubernetes' endpoints controller's syncService: every
// pod the selector matches that has an IP and is not terminal (nor terminating, unless the Service
// publishes not-ready addresses) is an address, ready or not ready; each Service port becomes an
// endpoint port with the target port resolved against the pod (a named targetPort looks up the
// container port of that name, so pods may differ); the result is repacked into subsets.
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from '@skiff/api';
import { isPodReady } from '../../pod-util.js';
import { repackSubsets } from './repack.js';

/** Kubernetes' endpointsliceutil.ShouldPodBeInEndpoints. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** Kubernetes' podutil.FindPort: the pod's port number for a Service port, or undefined. */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = port.protocol ?? 'TCP';
  for (const c of pod.spec?.containers ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The address of a pod in a Service's Endpoints (hostname only for a pod of the Service's subdomain). */
export function podAddress(service: Service, pod: Pod): EndpointAddress {
  const ip = pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || '';
  const a: EndpointAddress = {
    ip,
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  const hostname = pod.spec?.hostname;
  if (hostname && pod.spec?.subdomain === service.metadata.name && pod.metadata.namespace === service.metadata.namespace) a.hostname = hostname;
  return a;
}

function endpointPort(sp: ServicePort, port: number): EndpointPort {
  return { ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) };
}

export interface DesiredSubsets {
  subsets: EndpointSubset[];
  ready: number;
  notReady: number;
}

/** The subsets of `service` given the pods its selector matches. */
export function desiredSubsets(service: Service, pods: readonly Pod[]): DesiredSubsets {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const servicePorts = service.spec?.ports ?? [];
  const headless = service.spec?.clusterIP === 'None';
  const raw: EndpointSubset[] = [];
  let ready = 0;
  let notReady = 0;
  const add = (pod: Pod, address: EndpointAddress, port: EndpointPort | undefined): void => {
    const ports = port ? [port] : [];
    if (publishNotReady || isPodReady(pod)) {
      raw.push({ addresses: [address], ports });
      ready++;
    } else {
      raw.push({ notReadyAddresses: [address], ports });
      notReady++;
    }
  };
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const address = podAddress(service, pod);
    // A headless Service may have no ports: its addresses still count.
    if (servicePorts.length === 0) {
      if (headless) add(pod, address, undefined);
      continue;
    }
    for (const sp of servicePorts) {
      const n = findPort(pod, sp);
      if (n === undefined) continue;
      add(pod, address, endpointPort(sp, n));
    }
  }
  return { subsets: repackSubsets(raw), ready, notReady };
}
