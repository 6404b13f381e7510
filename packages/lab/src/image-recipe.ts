import type { Runner } from './exec.js';
import type { ImageConfig } from './image-archive.js';

/** How one lab image is made from the host's own files. */
export interface ImageRecipe {
  /** namespaced, versioned tag, e.g. skiff/pause:0.1 */
  ref: string;
  config: ImageConfig;
  /** everything that goes into the image, for the cache key (host file fingerprints, sources);
   * `cacheDir` (the image cache) may keep what is costly to find out again */
  fingerprint(runner: Runner, cacheDir?: string): Promise<string[]>;
  /** fills the root filesystem directory `root` (its parent is scratch space) */
  populate(runner: Runner, root: string): Promise<void>;
}
