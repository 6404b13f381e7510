// The lab's images: built once from the host's files (no registry), cached as image tarballs keyed
// by a content hash of their recipe and inputs, and loaded into every node's engine in parallel.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EngineApi } from './engine-api.js';
import type { Runner } from './exec.js';
import { writeImageArchive } from './image-archive.js';
import { nodeRecipe } from './image-node.js';
import { pauseRecipe } from './image-pause.js';
import type { ImageRecipe } from './image-recipe.js';
import { testboxRecipe } from './image-testbox.js';

export const DEFAULT_IMAGE_CACHE = '/var/cache/skiff/lab/images';
export const LAB_RECIPES: readonly ImageRecipe[] = [pauseRecipe, testboxRecipe, nodeRecipe];

export interface CachedImage {
  ref: string;
  /** image ID the engine reports once loaded */
  id: string;
  tarball: string;
  /** seconds the build took (0 when it came from the cache) */
  buildSeconds: number;
}

function cacheBase(ref: string): string {
  return ref.replace(/[^a-zA-Z0-9.-]+/g, '_');
}

export async function recipeHash(runner: Runner, recipe: ImageRecipe, cacheDir?: string): Promise<string> {
  const h = createHash('sha256');
  for (const part of [recipe.ref, JSON.stringify(recipe.config), ...(await recipe.fingerprint(runner, cacheDir))]) h.update(part).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The image's tarball from the cache, built first when missing or when its recipe changed. */
export async function ensureImage(runner: Runner, cacheDir: string, recipe: ImageRecipe, knownHash?: Promise<string>): Promise<CachedImage> {
  mkdirSync(cacheDir, { recursive: true });
  const hash = await (knownHash ?? recipeHash(runner, recipe, cacheDir));
  const base = `${cacheBase(recipe.ref)}-${hash}`;
  const tarball = join(cacheDir, `${base}.tar`);
  const metaFile = join(cacheDir, `${base}.json`);
  try {
    // Synchronous, as the recipe fingerprints (see rootfs.ts).
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { id: string };
    return { ref: recipe.ref, id: meta.id, tarball, buildSeconds: 0 };
  } catch {}
  const started = performance.now();
  const scratch = await mkdtemp(join(cacheDir, `.build-${cacheBase(recipe.ref)}-`));
  try {
    const root = join(scratch, 'rootfs');
    await mkdir(root);
    await recipe.populate(runner, root);
    const id = await writeImageArchive(runner, root, recipe.ref, recipe.config, tarball);
    await writeFile(metaFile, JSON.stringify({ ref: recipe.ref, id, hash }) + '\n');
    // Older builds of the same image are stale now.
    for (const f of await readdir(cacheDir)) {
      if (f.startsWith(`${cacheBase(recipe.ref)}-`) && !f.startsWith(base)) await rm(join(cacheDir, f), { force: true });
    }
    return { ref: recipe.ref, id, tarball, buildSeconds: (performance.now() - started) / 1000 };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `hashes`: the recipes' hashes when already being computed (they only read the host's files). */
export async function ensureImages(
  runner: Runner,
  cacheDir: string,
  recipes: readonly ImageRecipe[] = LAB_RECIPES,
  hashes?: readonly Promise<string>[],
): Promise<CachedImage[]> {
  return Promise.all(recipes.map((r, i) => ensureImage(runner, cacheDir, r, hashes?.[i])));
}

/** Loads each image the engine lacks (or holds in another build); returns the refs it loaded. */
export async function loadImages(engine: EngineApi, images: readonly CachedImage[]): Promise<string[]> {
  const loaded: string[] = [];
  await Promise.all(
    images.map(async (img) => {
      if ((await engine.imageId(img.ref)) === img.id) return;
      await engine.loadImage(img.tarball);
      loaded.push(img.ref);
    }),
  );
  return loaded;
}
