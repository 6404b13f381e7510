// The strategy of every kind the apiserver serves: one line per kind. Adding a kind is a folder
// under kinds/ and a line here; the store does not change.
import type { ResourceType } from '@skiff/api';
import type { Strategy } from './strategy.js';
import { configMapStrategy } from './kinds/configmap/strategy.js';
import { deploymentStrategy } from './kinds/deployment/strategy.js';
import { endpointsStrategy } from './kinds/endpoints/strategy.js';
import { eventStrategy } from './kinds/event/strategy.js';
import { leaseStrategy } from './kinds/lease/strategy.js';
import { namespaceStrategy } from './kinds/namespace/strategy.js';
import { nodeStrategy } from './kinds/node/strategy.js';
import { podStrategy } from './kinds/pod/strategy.js';
import { priorityClassStrategy } from './kinds/priorityclass/strategy.js';
import { replicaSetStrategy } from './kinds/replicaset/strategy.js';
import { secretStrategy } from './kinds/secret/strategy.js';
import { serviceStrategy } from './kinds/service/strategy.js';

const strategies: ReadonlyMap<string, Strategy> = new Map(
  [
    namespaceStrategy,
    nodeStrategy,
    podStrategy,
    serviceStrategy,
    endpointsStrategy,
    configMapStrategy,
    secretStrategy,
    eventStrategy,
    leaseStrategy,
    deploymentStrategy,
    replicaSetStrategy,
    priorityClassStrategy,
  ].map((s) => [s.kind, s]),
);

/** The strategy of a served resource type (also for the cache's field indexes and selectors). */
export function strategyFor(t: ResourceType): Strategy {
  const s = strategies.get(t.kind);
  if (!s) throw new Error(`no registry strategy for kind ${t.kind}`);
  return s;
}
