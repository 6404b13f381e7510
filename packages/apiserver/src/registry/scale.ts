// The scale subresource of deployments and replicasets (Kubernetes' ScaleREST): GetScale is the
// object's Scale; UpdateScale writes spec.replicas through the ordinary update (so the object's own
// validation, admission and generation apply), with the Scale's resourceVersion as the precondition.
// Without one, a concurrent change is re-read and the replicas applied again, as Kubernetes'
// GuaranteedUpdate does for a Scale. The rules themselves are @skiff/api's (shared with the fake client).
import { applyScale, hasScaleSubresource, isApiError, noScaleSubresource, scaleOf, validateScale, type ResourceType, type Scale } from '@skiff/api';
import type { RequestContext } from '../grpc/user-info.js';
import type { Registry } from './registry.js';

/** Attempts of an unconditional scale against concurrent writers before the conflict is returned. */
const UNCONDITIONAL_ATTEMPTS = 16;

function scalableType(registry: Registry, resource: string): ResourceType {
  const t = registry.resource(resource);
  if (!hasScaleSubresource(t.kind)) throw noScaleSubresource(t.resource);
  return t;
}

export async function getScale(registry: Registry, resource: string, namespace: string, name: string): Promise<Scale> {
  const t = scalableType(registry, resource);
  return scaleOf(await registry.get(t.resource, namespace, name));
}

export async function updateScale(registry: Registry, ctx: RequestContext, resource: string, scale: Scale, dryRun: boolean): Promise<Scale> {
  const t = scalableType(registry, resource);
  validateScale(scale);
  const { name, namespace = '' } = scale.metadata;
  const precondition = scale.metadata.resourceVersion || undefined;
  for (let attempt = 1; ; attempt++) {
    const cur = await registry.get(t.resource, namespace, name!);
    const next = applyScale(cur, scale);
    if (precondition) next.metadata.resourceVersion = precondition;
    try {
      return scaleOf((await registry.update(ctx, next, '', dryRun)).object);
    } catch (e) {
      if (precondition || !isApiError(e, 'ABORTED') || attempt >= UNCONDITIONAL_ATTEMPTS) throw e;
    }
  }
}
