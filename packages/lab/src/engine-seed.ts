// A pre-loaded engine data root, kept beside the image tarballs: the lab images loaded once into a
// throwaway dockerd, whose `image/` and `overlay2/` directories then seed every new node's data
// root (metadata copied, layer contents shared read-only). A new node's engine then starts with its
// images in place instead of unpacking ~120 MB per node; `loadImages` still checks every image
// afterwards and loads whatever the seed did not provide.
//
// A seed can also hold images built from a docker build context (`SeedBuild`: the cluster's sample
// app). Such a seed is made on top of the plain one (its engine starts from it, so only the layers
// the build adds are new on disk) and keeps the classic builder's cache of every step: a `docker
// build` of the same context on a node seeded from it finds each step cached, instead of running it
// once per node. Its key holds a digest of the context's files, so a changed app makes a new seed.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { startDockerd, stopNodeProcesses, waitEngineReady } from './dockerd.js';
import { SocketEngineApi } from './engine-api.js';
import { LabError } from './errors.js';
import type { Runner } from './exec.js';
import type { CachedImage } from './images.js';
import { loadImages } from './images.js';
import { unmountUnder } from './mounts.js';
import { netnsInode } from './processes.js';
import { removeCgroupParent } from './cgroups.js';
import type { NodeState } from './state.js';

const SEED_DIRS = ['image', 'overlay2'] as const;
const COMPLETE = 'complete';

/** An image the seed holds built by `docker build -t <tag> <context>` (a folder with a Dockerfile). */
export interface SeedBuild {
  tag: string;
  context: string;
}

/** A digest of a build context: every file's path, mode and contents. */
export function contextDigest(context: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(dir, e.name);
      const st = lstatSync(p);
      h.update(`${relative(context, p)}\0${st.mode}\0`);
      if (e.isDirectory()) walk(p);
      else if (e.isSymbolicLink()) h.update(readlinkSync(p));
      else h.update(readFileSync(p));
      h.update('\0');
    }
  };
  walk(context);
  return h.digest('hex');
}

export function seedKey(images: readonly CachedImage[], builds: readonly SeedBuild[] = []): string {
  const h = createHash('sha256');
  for (const id of images.map((i) => `${i.ref}=${i.id}`).sort()) h.update(id).update('\0');
  for (const b of builds) h.update(`build ${b.tag}=${contextDigest(b.context)}`).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The seed directory for these images (and builds) when it has been made already. */
export function existingEngineSeed(cacheDir: string, images: readonly CachedImage[], builds: readonly SeedBuild[] = []): string | undefined {
  const dir = join(cacheDir, `seed-${seedKey(images, builds)}`);
  return existsSync(join(dir, COMPLETE)) ? dir : undefined;
}

/** The seed directory for these images (and builds), made first when missing. */
export async function ensureEngineSeed(runner: Runner, cacheDir: string, images: readonly CachedImage[], builds: readonly SeedBuild[] = []): Promise<string> {
  const existing = existingEngineSeed(cacheDir, images, builds);
  if (existing) return existing;
  // builds go on top of the plain seed: its layers are shared, not copied
  const base = builds.length > 0 ? await ensureEngineSeed(runner, cacheDir, images) : undefined;
  const dir = join(cacheDir, `seed-${seedKey(images, builds)}`);
  const tag = randomBytes(3).toString('hex');
  const work = join(cacheDir, `.seed-${tag}`);
  const node: NodeState = {
    name: 'seed',
    index: 0,
    netns: `skiff-seed-${tag}`,
    veth: '',
    address: '',
    dir: work,
    dataRoot: join(work, 'docker'),
    execRoot: join(work, 'exec'),
    socket: join(work, 'docker.sock'),
    pidfile: join(work, 'dockerd.pid'),
    logFile: join(work, 'dockerd.log'),
    cgroupParent: `skiff-seed-${tag}`,
    containerdNamespace: `skiff-seed-${tag}`,
  };
  await mkdir(work, { recursive: true });
  try {
    await runner.run('ip', ['netns', 'add', node.netns]);
    if (base && !(await seedDataRoot(base, node.dataRoot))) throw new LabError(`engine seed: could not seed ${node.dataRoot} from ${base}`);
    const pid = await startDockerd(node, ['--bridge=none', '--iptables=false', '--ip-forward=false']);
    await waitEngineReady(node, 60000, pid);
    await loadImages(new SocketEngineApi(node.socket), images);
    const driver = await new SocketEngineApi(node.socket).storageDriver();
    if (driver !== 'overlay2') throw new LabError(`engine seed: storage driver ${driver} is not overlay2`);
    for (const b of builds) {
      // the classic builder (the lab has no buildx), as the nodes' own builds
      const r = await runner.run('docker', ['-H', `unix://${node.socket}`, 'build', '-q', '-t', b.tag, b.context], { allowFail: true });
      if (r.code !== 0) throw new LabError(`engine seed: docker build -t ${b.tag} ${b.context} failed: ${(r.stderr || r.stdout).trim().slice(-2000)}`);
    }
  } finally {
    await stopNodeProcesses(node, await netnsInode(`/run/netns/${node.netns}`));
    await unmountUnder(runner, work);
    await runner.run('ip', ['netns', 'del', node.netns], { allowFail: true });
    await removeCgroupParent(node.cgroupParent);
  }
  try {
    const staged = join(work, 'seed');
    await mkdir(staged);
    for (const d of SEED_DIRS) await rename(join(node.dataRoot, d), join(staged, d));
    await writeFile(join(staged, COMPLETE), JSON.stringify([...images.map((i) => ({ ref: i.ref, id: i.id })), ...builds.map((b) => ({ ref: b.tag, context: b.context }))]) + '\n');
    // Another up may have finished the same seed first: then keep theirs.
    await rename(staged, dir).catch(() => {});
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return dir;
}

/**
 * A copy of a small tree (modes and symlinks as they are; everything is root's; timestamps are not
 * kept, the engine does not read them), in process with synchronous calls: a few dozen small files
 * take a few ms that way, no process to start on the way to the engine start (fs.cp, or the thread
 * pool shared by three nodes, take several times longer). Each call is a metadata write the disk's
 * journal must take, and right after another lab's teardown those are slow: so directory entries
 * come with their types (no stat per entry), a directory gets its mode as it is made, and empty
 * directories are not copied at all (the engine makes its own at start).
 */
function copyEntry(from: string, to: string, umask: number): void {
  const st = lstatSync(from);
  if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else if (st.isDirectory()) copyDir(from, to, st.mode & 0o7777, umask);
  else if (st.isFile()) copyFileSync(from, to); // with the source's mode
  else throw new LabError(`engine seed: ${from} is not a file, directory or symlink`);
}

function copyDir(from: string, to: string, mode: number, umask: number): void {
  const entries = readdirSync(from, { withFileTypes: true });
  if (entries.length === 0) return;
  mkdirSync(to, { mode });
  if ((mode & umask) !== 0) chmodSync(to, mode);
  for (const e of entries) {
    const src = join(from, e.name);
    const dst = join(to, e.name);
    if (e.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (e.isFile()) copyFileSync(src, dst);
    else copyEntry(src, dst, umask);
  }
}

/** The process's umask (read by setting it and putting it back). */
function currentUmask(): number {
  const u = process.umask(0o022);
  process.umask(u);
  return u;
}

/**
 * Fills a new node's data root from the seed: image metadata copied, each image layer a directory
 * of its own whose `diff` (the unpacked files, read-only lower layers for overlayfs) is a symlink
 * into the seed. Removing an image or the node removes only the symlink. The seed therefore must
 * outlive the labs made from it: it lives in the image cache, which `down` never touches.
 * Returns false (and leaves nothing) when it cannot.
 */
export async function seedDataRoot(seed: string, dataRoot: string): Promise<boolean> {
  // Synchronous to the end: the engine of this node starts right after, before other work runs.
  if (existsSync(dataRoot)) return false;
  mkdirSync(dataRoot, { recursive: true, mode: 0o710 });
  try {
    const umask = currentUmask();
    copyEntry(join(seed, 'image'), join(dataRoot, 'image'), umask);
    const from = join(seed, 'overlay2');
    const to = join(dataRoot, 'overlay2');
    mkdirSync(to, { mode: 0o710 });
    for (const layer of readdirSync(from)) {
      if (layer === 'l') continue;
      mkdirSync(join(to, layer), { mode: 0o710 });
      for (const entry of readdirSync(join(from, layer))) {
        if (entry === 'diff') symlinkSync(join(from, layer, 'diff'), join(to, layer, 'diff'));
        else copyEntry(join(from, layer, entry), join(to, layer, entry), umask);
      }
    }
    mkdirSync(join(to, 'l'), { mode: 0o700 });
    for (const short of readdirSync(join(from, 'l'))) symlinkSync(readlinkSync(join(from, 'l', short)), join(to, 'l', short));
    return true;
  } catch {
    await rm(dataRoot, { recursive: true, force: true });
    return false;
  }
}
