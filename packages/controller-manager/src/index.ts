export * from './config.js';
export * from './context.js';
export * from './controllers-flag.js';
export { run, type RunningControllerManager } from './run.js';
export { controllers } from './controllers/registry.js';
export { REPLICASET_CONTROLLER, replicaSetController } from './controllers/replicaset/index.js';
export { DEPLOYMENT_CONTROLLER, deploymentController } from './controllers/deployment/index.js';
export { computeHash } from './controllers/deployment/hash.js';
export { resolveFenceposts } from './controllers/deployment/fenceposts.js';
