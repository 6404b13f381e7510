// skiff-cluster as a library: the same code path as `npm start` / `npm stop`.
export { up, labNodes, componentContext, type UpOptions, type UpResult } from './up.js';
export { down, type DownOptions } from './down.js';
export { clusterStatus, formatStatus, type ClusterStatus } from './status.js';
export { statePaths, type StatePaths } from './state-dir.js';
export { COMPONENTS, processTable } from './components/registry.js';
export type { Component, ComponentContext, LabNode } from './components/context.js';
export type { ProcessSpec, Gate } from './process-spec.js';
export { nodePodCIDR } from './pod-cidr.js';
export { Progress, StepError, StepFailed, type StepTiming } from './progress.js';
export { SEED_IMAGE, SEED_DEPLOYMENT, buildSeedImage } from './seed.js';
export { ensureTokens, ensureAgentServerToken, TOKEN_ROLES, type TokenRole } from './tokens.js';
