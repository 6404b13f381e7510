// The apiserver's own Service and Endpoints, default/kubernetes, as kube-apiserver's
// "kubernetes service" controller keeps them: a ClusterIP Service on the first IP of the service
// range whose port 443 ("https") leads to the apiserver's own port, and Endpoints with the
// apiserver's advertised address. Reconciled at start and every 10 s (someone may have changed or
// deleted them). With several apiservers, the last one to reconcile is the one in the Endpoints.
import { networkInterfaces } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isApiError, type KObject } from '@skiff/api';
import type { Logger } from '@skiff/machinery';
import { intToIp, parseCidr } from '../alloc/cidr.js';
import type { Registry } from './registry.js';
import { APISERVER_CONTEXT } from '../grpc/user-info.js';
import { MERGE_PATCH } from './patch-request.js';

const NAMESPACE = 'default';
const NAME = 'kubernetes';
const INTERVAL_MS = 10_000;

export interface KubernetesService {
  /** The first IP of the service ClusterIP range. */
  clusterIP: string;
  /** The apiserver's port (the Service's targetPort and the Endpoints' port). */
  port: number;
  /** The address other machines reach the apiserver at. */
  address: string;
}

/** The first usable address of the ClusterIP range ("10.96.0.1" for 10.96.0.0/12), as Kubernetes. */
export function firstServiceIP(range: string): string {
  return intToIp(parseCidr(range).base + 1);
}

/** The address to advertise: the listen host when it is one address, else the first non-loopback IPv4 of this machine. */
export function advertisedAddress(listenHost: string): string {
  if (listenHost && listenHost !== '0.0.0.0' && listenHost !== '::') return listenHost;
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function service(want: KubernetesService): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: NAME, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: want.clusterIP, sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: want.port }] },
  } as KObject;
}

function endpoints(want: KubernetesService): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: NAME, namespace: NAMESPACE },
    subsets: [{ addresses: [{ ip: want.address }], ports: [{ name: 'https', port: want.port, protocol: 'TCP' }] }],
  } as KObject;
}

/** Creates the object, or patches the fields the apiserver owns (a no-op patch writes nothing). */
async function ensure(registry: Registry, resource: string, obj: KObject, owned: Record<string, unknown>): Promise<void> {
  try {
    await registry.patch(APISERVER_CONTEXT, { resource, namespace: NAMESPACE, name: NAME, patchType: MERGE_PATCH, patch: Buffer.from(JSON.stringify(owned)), subresource: '', dryRun: false });
  } catch (e) {
    if (!isApiError(e, 'NOT_FOUND')) throw e;
    await registry.create(APISERVER_CONTEXT, structuredClone(obj));
  }
}

export async function reconcileKubernetesService(registry: Registry, want: KubernetesService): Promise<void> {
  const svc = service(want);
  await ensure(registry, 'services', svc, { metadata: { labels: svc.metadata.labels }, spec: { ports: (svc.spec as { ports: unknown }).ports } });
  const ep = endpoints(want);
  await ensure(registry, 'endpoints', ep, { subsets: ep.subsets });
}

/** Reconciles every 10 s until `signal` aborts; failures are logged and retried on the next round. */
export async function runKubernetesServiceReconciler(registry: Registry, want: KubernetesService, log: Logger, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await sleep(INTERVAL_MS, undefined, { signal });
    } catch {
      return; // aborted
    }
    await reconcileKubernetesService(registry, want).catch((e: unknown) => {
      if (!signal.aborted) log.warn('reconciling the kubernetes service failed', { err: String(e) });
    });
  }
}
