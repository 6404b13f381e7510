// Every controller of skiff-controller-manager: one line each.
import type { ControllerDescriptor } from '../context.js';
import { deploymentController } from './deployment/index.js';
import { endpointsController } from './endpoints/index.js';
import { garbageCollectorController } from './garbagecollector/index.js';
import { namespaceController } from './namespace/index.js';
import { nodeIpamController } from './nodeipam/index.js';
import { nodeLifecycleController, taintEvictionController } from './nodelifecycle/index.js';
import { replicaSetController } from './replicaset/index.js';

export const controllers: readonly ControllerDescriptor[] = [
  replicaSetController,
  deploymentController,
  endpointsController,
  garbageCollectorController,
  namespaceController,
  nodeIpamController,
  nodeLifecycleController,
  taintEvictionController,
];
