// Service, as Kubernetes' svcStrategy and service REST: status is a subresource; a ClusterIP and
// NodePorts are allocated in the Service's own etcd transaction (and freed in the one that deletes
// it or stops using them); a change of type clears the fields the new type does not use; IP family
// fields are defaulted.
import type { KObject, ServiceSpec } from '@skiff/api';
import { allocatedIPs, allocatedPorts, emptyPlan, planServiceAllocations } from '../../../alloc/service-allocations.js';
import { keepStatus, statusSubresourceStrategy, type Strategy } from '../../strategy.js';
import { allocationOps } from './allocation-ops.js';
import { defaultIPFamilies, dropTypeDependentFields, keepAllocatedValues } from './type-dependent-fields.js';

/** The families of the ClusterIP range (the allocator is IPv4-only). */
const CLUSTER_IP_FAMILIES = ['IPv4'];

function specOf(obj: KObject): ServiceSpec {
  if (typeof obj.spec !== 'object' || obj.spec === null) obj.spec = {};
  return obj.spec as ServiceSpec;
}

const owner = (obj: KObject): string => `${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;

export const serviceStrategy: Strategy = {
  ...statusSubresourceStrategy('Service'),
  prepareForCreate(obj: KObject) {
    delete obj.status;
    defaultIPFamilies(specOf(obj), CLUSTER_IP_FAMILIES);
  },
  prepareForUpdate(next: KObject, old: KObject) {
    keepStatus(next, old);
    const spec = specOf(next);
    const oldSpec = (old.spec ?? {}) as ServiceSpec;
    dropTypeDependentFields(spec, oldSpec);
    keepAllocatedValues(spec, oldSpec);
    defaultIPFamilies(spec, CLUSTER_IP_FAMILIES);
  },
  writeOps(next, old, ctx) {
    return allocationOps(planServiceAllocations(next, old, ctx.clusterIPs, ctx.nodePorts), owner(next), ctx);
  },
  deleteOps(obj, ctx) {
    const plan = emptyPlan();
    plan.freeIPs = allocatedIPs(obj);
    plan.freePorts = allocatedPorts(obj);
    return allocationOps(plan, owner(obj), ctx);
  },
};
