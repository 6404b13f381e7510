// skiff-compose as a library: the compose lab's images, its compose file and up/down.
export { BASE_IMAGE, BASE_PACKAGES, baseRecipe } from './base-image.js';
export { composeFile, renderComposeFile, nodeName, DEFAULT_CLUSTER_CIDR } from './compose-file.js';
export { up, pushToRegistry, skiffctl, NODE_REGISTRY, type UpOptions, type UpResult } from './up.js';
export { down, type DownOptions } from './down.js';
export { composePaths, readSettings, type ComposeSettings, type ComposePaths } from './state.js';
