// The volume plugins of the node: one line each.
import { configMapPlugin } from './plugins/config-map.js';
import { downwardAPIPlugin } from './plugins/downward-api.js';
import { emptyDirPlugin } from './plugins/empty-dir.js';
import { hostPathPlugin } from './plugins/host-path.js';
import { projectedPlugin } from './plugins/projected.js';
import { secretPlugin } from './plugins/secret.js';
import type { VolumePlugin } from './volume-plugin.js';

export const volumePlugins: readonly VolumePlugin[] = [emptyDirPlugin, hostPathPlugin, configMapPlugin, secretPlugin, downwardAPIPlugin, projectedPlugin];
