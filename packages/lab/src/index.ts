// skiff-lab: several Linux hosts on one machine, each a network namespace with its own Docker engine.
export { up, nodeNetnsInode, type UpOptions, type UpResult } from './up.js';
export { down, type DownResult } from './down.js';
export { status, labState, type LabStatus, type NodeStatus } from './status.js';
export type { LabOptions, LabLog } from './options.js';
export type { LabState, NodeState } from './state.js';
export { DEFAULT_STATE_ROOT, defaultStateDir } from './state.js';
export { DEFAULT_SUBNET } from './subnet.js';
export { DEFAULT_DOCKERD_ARGS, dockerdCommand, READY_POLL_MS } from './dockerd.js';
export { DEFAULT_IMAGE_CACHE, ensureImages, LAB_RECIPES, type CachedImage } from './images.js';
export { prepareImageCache, type PreparedImageCache } from './image-cache.js';
export { PAUSE_IMAGE } from './image-pause.js';
export { TESTBOX_IMAGE } from './image-testbox.js';
export { NODE_IMAGE } from './image-node.js';
export { DEFAULT_LAB_NAME, labNames, type LabNames } from './names.js';
export { LabError } from './errors.js';
export { HostRunner, type Runner, type CommandResult } from './exec.js';
export { seedDataRoot } from './engine-seed.js';
export { SocketEngineApi, type EngineApi } from './engine-api.js';
