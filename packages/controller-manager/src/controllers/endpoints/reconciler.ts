// The Endpoints reconciler, as Kubernetes' endpoints controller's syncService: a Service that is
// gone takes its Endpoints with it; a Service without a selector is left to the user; otherwise the
// Endpoints of the same name hold the subsets computed from the selected pods and the Service's
// labels (plus service.kubernetes.io/headless for a headless Service), at most 1000 addresses (the
// over-capacity annotation says when some were left out, truncate.ts), written only when different.
import { type Endpoints, type Pod, type Service, clone, isApiError, jsonEqual, selectorFromSet } from '@skiff/api';
import type { Client, EventRecorder, Lister, ReconcileContext, ReconcileResult, Reconciler, Request } from '@skiff/machinery';
import { desiredSubsets } from './subsets.js';
import { OVER_CAPACITY_ANNOTATION, TRUNCATED, truncateSubsets } from './truncate.js';

/** The label Kubernetes puts on the Endpoints of a headless Service. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface EndpointsReconcilerDeps {
  client: Client;
  services: Lister<Service>;
  pods: Lister<Pod>;
  endpoints: Lister<Endpoints>;
  recorder: EventRecorder;
}

/** The labels the Endpoints of `service` carry. */
export function endpointsLabels(service: Service): Record<string, string> {
  const labels = { ...(service.metadata.labels ?? {}) };
  delete labels[HEADLESS_LABEL];
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

/** The annotations of `current` with the over-capacity mark set or removed. */
function withCapacityMark(annotations: Record<string, string> | undefined, overCapacity: boolean): Record<string, string> {
  const next = { ...(annotations ?? {}) };
  if (overCapacity) next[OVER_CAPACITY_ANNOTATION] = TRUNCATED;
  else delete next[OVER_CAPACITY_ANNOTATION];
  return next;
}

function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

export class EndpointsReconciler implements Reconciler {
  constructor(private readonly deps: EndpointsReconcilerDeps) {}

  async reconcile(ctx: ReconcileContext, { namespace, name }: Request): Promise<ReconcileResult> {
    const { client, services, pods, endpoints, recorder } = this.deps;
    const service = services.get(namespace, name);
    if (!service) {
      // The Service is gone: so are its Endpoints (Kubernetes deletes them, ignoring NotFound).
      if (!endpoints.get(namespace, name)) return;
      await client.delete('endpoints', namespace, name).catch((e: unknown) => {
        if (!isApiError(e, 'NOT_FOUND')) throw e;
      });
      ctx.log.debug('deleted the Endpoints of a deleted Service');
      return;
    }
    if (!hasSelector(service)) return;

    const selected = pods.list(namespace, selectorFromSet(service.spec!.selector));
    const desired = desiredSubsets(service, selected);
    const { ready, notReady } = desired;
    const { subsets, overCapacity } = truncateSubsets(desired.subsets);
    const labels = endpointsLabels(service);
    const current = endpoints.get(namespace, name);
    const annotations = withCapacityMark(current?.metadata.annotations, overCapacity);
    if (current && jsonEqual(current.subsets ?? [], subsets) && jsonEqual(current.metadata.labels ?? {}, labels) && jsonEqual(current.metadata.annotations ?? {}, annotations)) return;

    try {
      if (!current) {
        const ep: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, ...(Object.keys(labels).length ? { labels } : {}), ...(overCapacity ? { annotations } : {}) }, subsets };
        await client.create(ep);
      } else {
        const next = clone(current);
        next.metadata.labels = labels;
        if (Object.keys(annotations).length) next.metadata.annotations = annotations;
        else delete next.metadata.annotations;
        next.subsets = subsets;
        await client.update(next);
      }
      ctx.log.debug('wrote Endpoints', { ready, notReady, overCapacity, created: !current });
    } catch (e) {
      // A Service being deleted in a terminating namespace: nothing to do.
      if (!current && service.metadata.deletionTimestamp && isApiError(e, 'PERMISSION_DENIED')) return;
      const verb = current ? 'update' : 'create';
      recorder.event(service, 'Warning', current ? 'FailedToUpdateEndpoint' : 'FailedToCreateEndpoint', `Failed to ${verb} endpoint ${namespace}/${name}: ${e instanceof Error ? e.message : String(e)}`);
      throw e;
    }
  }
}
