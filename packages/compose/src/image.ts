// The compose lab's image: deploy/compose/Dockerfile built on BASE (the offline skiff/compose-base
// made from the host's Debian packages, loaded into the engine when it lacks it; or any pullable
// image) from a context that holds exactly the built project: the root package.json, every
// package's package.json and dist (tests left out), the proto files, the production node_modules.
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureImage, type ImageRecipe, type Runner } from '@skiff/lab';
import { imageId } from './docker.js';

export const DOCKERFILE = 'deploy/compose/Dockerfile';
/** the packages whose programs the compose services run */
const RUNS = ['apiserver', 'scheduler', 'controller-manager', 'node-agent', 'proxy'];

/**
 * Loads a lab-built image (its cached tarball, built first when missing) unless the engine holds that
 * build; true when it loaded it.
 */
export async function ensureLoaded(runner: Runner, cacheDir: string, recipe: ImageRecipe): Promise<boolean> {
  const img = await ensureImage(runner, cacheDir, recipe);
  if ((await imageId(runner, img.ref)) === img.id) return false;
  await runner.run('docker', ['load', '-q', '-i', img.tarball]);
  return true;
}

/** Paths under the repository that go into the build context, shortest covering set. */
export async function contextPaths(runner: Runner, repoRoot: string): Promise<string[]> {
  for (const p of RUNS) {
    if (!existsSync(join(repoRoot, 'packages', p, 'dist/main.bundle.js'))) throw new Error(`packages/${p}/dist/main.bundle.js is missing: build the project first (npm run build)`);
  }
  const paths = ['package.json', DOCKERFILE, 'deploy/compose/registry.yml', 'deploy/compose/skiff-entry.sh'];
  for (const p of readdirSync(join(repoRoot, 'packages')).sort()) {
    if (!existsSync(join(repoRoot, 'packages', p, 'dist'))) continue;
    paths.push(`packages/${p}/package.json`, `packages/${p}/dist`);
    if (existsSync(join(repoRoot, 'packages', p, 'proto'))) paths.push(`packages/${p}/proto`);
  }
  for (const p of readdirSync(join(repoRoot, 'node_modules/@skiff')).sort()) paths.push(`node_modules/@skiff/${p}`);
  // npm's own view of what the workspaces need at run time (no network: it reads node_modules)
  const ls = await runner.run('sh', ['-c', `cd '${repoRoot}' && npm ls --omit=dev --all --parseable`], { allowFail: true });
  const modules = ls.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith(`${repoRoot.replace(/\/+$/, '')}/`) && l.includes('/node_modules/'))
    .map((l) => l.slice(repoRoot.replace(/\/+$/, '').length + 1))
    // the root's and the workspaces' own node_modules (packages/x/node_modules/yargs)
    .filter((l) => (l.startsWith('node_modules/') || /^packages\/[^/]+\/node_modules\//.test(l)) && !l.startsWith('node_modules/@skiff/'))
    .sort();
  if (modules.length === 0) throw new Error(`npm ls found no production modules under ${repoRoot}/node_modules: run npm ci`);
  const covered: string[] = [];
  for (const m of modules) if (!covered.some((c) => m.startsWith(`${c}/`))) covered.push(m);
  return [...paths, ...covered];
}

export interface BuildOptions {
  repoRoot: string;
  tag: string;
  base: string;
  /** where the context's path list is written */
  workDir: string;
}

export async function buildImage(runner: Runner, o: BuildOptions): Promise<string> {
  const list = join(o.workDir, 'context-paths.txt');
  await writeFile(list, (await contextPaths(runner, o.repoRoot)).join('\n') + '\n');
  const tar = `tar -C '${o.repoRoot}' -cf - --exclude='*.test.js' --exclude='*.test.d.ts' --exclude='*.test.js.map' --exclude='.tsbuildinfo' -T '${list}'`;
  await runner.run('sh', ['-c', `${tar} | docker build -q -f ${DOCKERFILE} --build-arg 'BASE=${o.base}' -t '${o.tag}' -`]);
  const id = await imageId(runner, o.tag);
  if (!id) throw new Error(`docker build did not make ${o.tag}`);
  return id;
}
