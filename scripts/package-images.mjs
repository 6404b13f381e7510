// The images a release ships for worker hosts without a registry: the pod sandbox (skiff/pause:0.1,
// every pod needs it) and skiff/testbox:0.1 (busybox answering HTTP with its hostname, for a first
// Deployment), built from the host's files as the lab builds them (cached in the lab's image cache).
// Writes DIR/<image>.tar (docker save format) and DIR/images.txt: "<ref> <image id> <file>" lines,
// which install-worker.sh loads into the node's dockerd.
//   node scripts/package-images.mjs DIR
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_IMAGE_CACHE, HostRunner, LAB_RECIPES, PAUSE_IMAGE, TESTBOX_IMAGE, ensureImages } from '@skiff/lab';

const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node scripts/package-images.mjs DIR\n');
  process.exit(2);
}
const recipes = LAB_RECIPES.filter((r) => r.ref === PAUSE_IMAGE || r.ref === TESTBOX_IMAGE);
const images = await ensureImages(new HostRunner(), process.env.SKIFF_IMAGE_CACHE || DEFAULT_IMAGE_CACHE, recipes);
mkdirSync(out, { recursive: true });
const lines = images.map((img) => {
  const file = basename(img.tarball);
  copyFileSync(img.tarball, join(out, file));
  return `${img.ref} ${img.id} ${file}`;
});
writeFileSync(join(out, 'images.txt'), lines.join('\n') + '\n');
