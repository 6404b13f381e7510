// A Service's ClusterIP / NodePort allocation plan as etcd operations of the Service's own write:
// allocation keys created only if absent, freed keys deleted, the in-memory allocators updated once
// the transaction commits.
import { ApiError, fieldError, invalid } from '@skiff/api';
import { cmp, op } from '../../../etcd/store.js';
import type { AllocationPlan } from '../../../alloc/service-allocations.js';
import type { ExtraOps, StrategyContext } from '../../strategy.js';

/** Attempts with server-chosen values that were taken meanwhile, before giving up. */
const MAX_ALLOCATION_ATTEMPTS = 16;

export function allocationOps(plan: AllocationPlan, owner: string, ctx: StrategyContext): ExtraOps {
  const ops: ExtraOps = {
    compare: [],
    success: [],
    keys: [],
    committed() {
      for (const ip of plan.allocateIPs) ctx.clusterIPs.markTaken(ip);
      for (const p of plan.allocatePorts) ctx.nodePorts.markTaken(p);
      for (const ip of plan.freeIPs) ctx.clusterIPs.markFree(ip);
      for (const p of plan.freePorts) ctx.nodePorts.markFree(p);
    },
    failed(attempt) {
      if (plan.allocateIPs.length === 0 && plan.allocatePorts.length === 0) return false;
      // Someone else may hold a value: steer the next choice away from all of them.
      for (const ip of plan.allocateIPs) ctx.clusterIPs.markTaken(ip);
      for (const p of plan.allocatePorts) ctx.nodePorts.markTaken(p);
      const requested = plan.allocateIPs.some((ip) => !plan.autoIPs.has(ip)) || plan.allocatePorts.some((p) => !plan.autoPorts.has(p));
      if (requested) throw invalid('Service', owner, [fieldError('spec', 'Invalid', 'a requested clusterIP or nodePort is already allocated')]);
      if (attempt >= MAX_ALLOCATION_ATTEMPTS) throw new ApiError('UNAVAILABLE', 'could not allocate a ClusterIP/NodePort after many attempts; retry');
      return true;
    },
  };
  const create = (k: string): void => {
    ops.compare.push(cmp.absent(k));
    ops.success.push(op.put(k, owner));
    ops.keys.push(k);
  };
  const free = (k: string): void => {
    ops.success.push(op.del(k));
    ops.keys.push(k);
  };
  for (const ip of plan.allocateIPs) create(ctx.keys.clusterIPKey(ip));
  for (const p of plan.allocatePorts) create(ctx.keys.nodePortKey(p));
  for (const ip of plan.freeIPs) free(ctx.keys.clusterIPKey(ip));
  for (const p of plan.freePorts) free(ctx.keys.nodePortKey(p));
  return ops;
}
