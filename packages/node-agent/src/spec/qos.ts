// A pod's QoS class, as Kubernetes computes it (pkg/apis/core/helper/qos GetPodQOS): only cpu and
// memory count, and only quantities above zero.
//   BestEffort: no container (init containers included) requests or limits cpu or memory;
//   Guaranteed: every container limits both cpu and memory, and the summed requests equal the
//               summed limits for every resource requested;
//   Burstable:  anything else.
import { parseQuantity, type Container, type PodSpec, type Quantity } from '@skiff/api';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const COMPUTE = ['cpu', 'memory'] as const;

function addPositive(sum: Map<string, Quantity>, list: Record<string, string> | undefined): Set<string> {
  const found = new Set<string>();
  for (const name of COMPUTE) {
    const s = list?.[name];
    if (s === undefined) continue;
    const q = parseQuantity(s);
    if (q.sign() <= 0) continue;
    found.add(name);
    const prev = sum.get(name);
    sum.set(name, prev ? prev.add(q) : q);
  }
  return found;
}

export function podQOSClass(spec: Pick<PodSpec, 'containers' | 'initContainers'>): QOSClass {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  const all: Container[] = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  for (const c of all) {
    addPositive(requests, c.resources?.requests);
    const limited = addPositive(limits, c.resources?.limits);
    if (!limited.has('cpu') || !limited.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
