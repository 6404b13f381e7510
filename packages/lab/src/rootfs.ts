// Pieces of image root filesystems taken from the host: busybox (Debian's busybox-static) with its
// applet links, minimal /etc files, and a dynamically linked binary with the libraries ldd lists.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Runner } from './exec.js';

export const BUSYBOX = '/bin/busybox';

// The image cache keys are computed on every `up`, on the way to the engines' start: the few small
// reads below are synchronous (microseconds each, no thread-pool round trips behind other work).

/** A fingerprint of a host file for cache keys: path, size and modification time. */
export function fileFingerprint(path: string): string {
  const s = statSync(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

export async function writeFiles(root: string, files: Record<string, { text: string; mode?: number }>): Promise<void> {
  for (const [path, f] of Object.entries(files)) {
    const p = join(root, path);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, f.text);
    if (f.mode !== undefined) await chmod(p, f.mode);
  }
}

/** /etc/passwd, /etc/group, /tmp, /root and the mount points an engine expects. */
export async function populateSkeleton(root: string): Promise<void> {
  for (const d of ['bin', 'etc', 'root', 'proc', 'sys', 'dev', 'usr/bin', 'var']) await mkdir(join(root, d), { recursive: true });
  await mkdir(join(root, 'tmp'), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await writeFiles(root, {
    'etc/passwd': { text: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' },
    'etc/group': { text: 'root:x:0:\nnogroup:x:65534:\n' },
  });
}

/** /bin/busybox plus a /bin link for each applet (existing files win). */
export async function populateBusybox(runner: Runner, root: string): Promise<void> {
  await mkdir(join(root, 'bin'), { recursive: true });
  await copyFile(BUSYBOX, join(root, 'bin/busybox'));
  await chmod(join(root, 'bin/busybox'), 0o755);
  const list = (await runner.run(BUSYBOX, ['--list'])).stdout.split('\n').filter((a) => /^[a-z0-9_.[-]+$/.test(a));
  for (const applet of list) {
    if (applet === 'busybox') continue;
    try {
      await symlink('busybox', join(root, 'bin', applet));
    } catch {}
  }
}

/**
 * The program interpreter (dynamic loader) a 64-bit little-endian ELF binary names in its PT_INTERP
 * header, undefined for anything else (a static binary, another format).
 */
export function elfInterpreter(binary: string): string | undefined {
  const fd = openSync(binary, 'r');
  try {
    const head = Buffer.alloc(64);
    readSync(fd, head, 0, 64, 0);
    if (head.readUInt32BE(0) !== 0x7f454c46 || head[4] !== 2 || head[5] !== 1) return undefined;
    const phoff = Number(head.readBigUInt64LE(0x20));
    const phentsize = head.readUInt16LE(0x36);
    const phnum = head.readUInt16LE(0x38);
    const ph = Buffer.alloc(phentsize * phnum);
    readSync(fd, ph, 0, ph.length, phoff);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      if (ph.readUInt32LE(at) !== 3 /* PT_INTERP */) continue;
      const size = Number(ph.readBigUInt64LE(at + 0x20));
      const path = Buffer.alloc(size);
      readSync(fd, path, 0, size, Number(ph.readBigUInt64LE(at + 8)));
      return path.toString('latin1').replace(/\0.*$/s, '');
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The shared libraries `ldd` lists for `binary`, as absolute paths (the loader included). What ldd
 * runs is asked directly (`LOADER --list BINARY`, one short process instead of ldd's shell script);
 * ldd itself when the loader cannot be read from the binary.
 */
export async function sharedLibraries(runner: Runner, binary: string): Promise<string[]> {
  let loader: string | undefined;
  try {
    loader = elfInterpreter(binary);
  } catch {
    loader = undefined;
  }
  const out = (loader ? await runner.run(loader, ['--list', binary]) : await runner.run('ldd', [binary])).stdout;
  const libs: string[] = [];
  for (const line of out.split('\n')) {
    const m = /=>\s+(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
    if (m) libs.push(m[1]!);
  }
  return libs;
}

/**
 * sharedLibraries, remembered in `cacheDir` (libraries.json) for the binary as it is (path, size,
 * modification time): the list only changes with the binary, and finding it takes a process. A
 * remembered library that is gone, or an unreadable memo, means asking again.
 */
export async function rememberedLibraries(runner: Runner, binary: string, cacheDir: string | undefined): Promise<string[]> {
  const memo = cacheDir ? join(cacheDir, 'libraries.json') : undefined;
  const key = fileFingerprint(binary);
  let known: Record<string, string[]> = {};
  if (memo) {
    try {
      known = JSON.parse(readFileSync(memo, 'utf8')) as Record<string, string[]>;
      const libs = known[key];
      if (Array.isArray(libs) && libs.every((l) => typeof l === 'string' && existsSync(l))) return libs;
    } catch {
      known = {};
    }
  }
  const libs = await sharedLibraries(runner, binary);
  if (memo) {
    try {
      mkdirSync(cacheDir!, { recursive: true });
      writeFileSync(`${memo}.tmp`, JSON.stringify({ ...known, [key]: libs }) + '\n');
      renameSync(`${memo}.tmp`, memo);
    } catch {
      // only a memo
    }
  }
  return libs;
}

/** Copies a binary and its libraries to the same paths under `root` (libraries dereferenced). */
export async function copyWithLibraries(runner: Runner, root: string, binary: string): Promise<string[]> {
  const libs = await sharedLibraries(runner, binary);
  for (const p of [binary, ...libs]) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await copyFile(p, join(root, p));
    await chmod(join(root, p), 0o755);
  }
  return libs;
}
