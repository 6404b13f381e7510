// The whole image cache at once: the image tarballs and the engine seed made from them.
import { ensureEngineSeed } from './engine-seed.js';
import type { Runner } from './exec.js';
import { ensureImages, type CachedImage } from './images.js';

export interface PreparedImageCache {
  images: CachedImage[];
  /** the seed data root, undefined when it could not be made (nodes then load the tarballs) */
  seed: string | undefined;
  seedError?: string;
}

export async function prepareImageCache(runner: Runner, cacheDir: string): Promise<PreparedImageCache> {
  const images = await ensureImages(runner, cacheDir);
  try {
    return { images, seed: await ensureEngineSeed(runner, cacheDir, images) };
  } catch (e) {
    return { images, seed: undefined, seedError: e instanceof Error ? e.message : String(e) };
  }
}
