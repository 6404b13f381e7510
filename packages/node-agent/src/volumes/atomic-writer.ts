// The kubelet's AtomicWriter: a volume's files are published all at once. Each version is written
// into a fresh hidden directory `..2026_12_03_12_00_00.<random>`; the symlink `..data` is swapped to
// it with one rename, and every user-visible top-level name is a symlink through `..data`
// (`key -> ..data/key`). A reader therefore sees either the old or the new set of files, never a
// mix; a payload equal to the current one writes nothing.
import { mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, stat, symlink, unlink, writeFile, chmod, lstat } from 'node:fs/promises';
import path from 'node:path';

export const DATA_DIR_NAME = '..data';
const DATA_DIR_TMP = '..data_tmp';

export interface FileProjection {
  data: Buffer;
  /** file mode, e.g. 0o644 */
  mode: number;
}

/** relative path in the volume → content */
export type Payload = Map<string, FileProjection>;

/** undefined when the path may be a payload path, else why not */
export function payloadPathError(p: string): string | undefined {
  if (p === '') return 'must not be empty';
  if (path.isAbsolute(p)) return 'must be a relative path';
  const parts = p.split('/');
  if (parts.some((x) => x === '..')) return "must not contain '..'";
  if (p.startsWith('..')) return "must not start with '..'";
  return undefined;
}

function timestampDirPrefix(now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}.`;
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, r)));
    else out.push(r);
  }
  return out;
}

async function sameAsCurrent(dataDir: string, payload: Payload): Promise<boolean> {
  let files: string[];
  try {
    files = await listFiles(dataDir);
  } catch {
    return false;
  }
  if (files.length !== payload.size) return false;
  for (const [p, f] of payload) {
    try {
      const [data, st] = await Promise.all([readFile(path.join(dataDir, p)), stat(path.join(dataDir, p))]);
      if (!data.equals(f.data) || (st.mode & 0o7777) !== f.mode) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function topLevel(payload: Iterable<string>): Set<string> {
  return new Set([...payload].map((p) => p.split('/')[0] as string));
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Publishes `payload` in `dir` (which exists); true when something was written. */
export async function writePayload(dir: string, payload: Payload, now: Date = new Date()): Promise<boolean> {
  for (const p of payload.keys()) {
    const err = payloadPathError(p);
    if (err) throw new Error(`invalid path ${JSON.stringify(p)} in the volume: ${err}`);
  }
  const dataLink = path.join(dir, DATA_DIR_NAME);
  const oldName = await readlink(dataLink).catch(() => undefined);
  const visible = topLevel(payload.keys());
  if (oldName && (await sameAsCurrent(path.join(dir, oldName), payload))) {
    for (const name of visible) if (!(await exists(path.join(dir, name)))) await symlink(path.join(DATA_DIR_NAME, name), path.join(dir, name));
    return false;
  }
  const oldVisible = oldName ? topLevel(await listFiles(path.join(dir, oldName)).catch(() => [])) : new Set<string>();

  const tsDir = await mkdtemp(path.join(dir, timestampDirPrefix(now)));
  await chmod(tsDir, 0o755);
  for (const [p, f] of payload) {
    const file = path.join(tsDir, p);
    await mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
    await writeFile(file, f.data, { mode: f.mode });
    await chmod(file, f.mode); // the umask must not narrow the mode
  }
  const tmpLink = path.join(dir, DATA_DIR_TMP);
  await rm(tmpLink, { force: true });
  await symlink(path.basename(tsDir), tmpLink);
  await rename(tmpLink, dataLink);

  for (const name of visible) if (!(await exists(path.join(dir, name)))) await symlink(path.join(DATA_DIR_NAME, name), path.join(dir, name));
  for (const name of oldVisible) if (!visible.has(name)) await unlink(path.join(dir, name)).catch(() => undefined);
  if (oldName && oldName !== path.basename(tsDir)) await rm(path.join(dir, oldName), { recursive: true, force: true });
  return true;
}
