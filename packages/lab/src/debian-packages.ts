// Root filesystems from the Debian packages installed on the host: a package list is closed over
// its Depends and Pre-Depends (the first installed choice of each alternative, virtual names through
// Provides), and the files dpkg lists for them are copied into the image with their library paths
// canonical (merged /usr), plus the alternatives links (iptables -> iptables-nft) that maintainer
// scripts made. No registry and no network: what the host has installed is what the image gets.
import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LabError } from './errors.js';
import type { Runner } from './exec.js';

export interface InstalledPackage {
  name: string;
  version: string;
  /** each entry a list of alternatives (`a | b`), names without version or arch qualifiers */
  depends: string[][];
  provides: string[];
}

/** Parses `${Package}\t${Version}\t${Status}\t${Pre-Depends}\t${Depends}\t${Provides}` lines (installed ones only). */
export function parseInstalled(text: string): Map<string, InstalledPackage> {
  const names = (field: string): string[][] =>
    field
      .split(',')
      .map((dep) => dep.split('|').map((alt) => alt.trim().replace(/\s*\(.*\)$/, '').replace(/:\w+$/, '')).filter((n) => n.length > 0))
      .filter((alts) => alts.length > 0);
  const out = new Map<string, InstalledPackage>();
  for (const line of text.split('\n')) {
    const [name, version, status, pre, dep, provides] = line.split('\t');
    if (!name || !status?.endsWith(' installed')) continue;
    out.set(name, { name, version: version ?? '', depends: [...names(pre ?? ''), ...names(dep ?? '')], provides: names(provides ?? '').flat() });
  }
  return out;
}

/**
 * The installed packages `roots` need, sorted: each dependency's first alternative that is installed
 * (directly or through a package that provides it). A root that is not installed, or a dependency
 * with no installed choice, is an error naming it.
 */
export function packageClosure(installed: Map<string, InstalledPackage>, roots: readonly string[], skip: readonly string[] = []): string[] {
  const providers = new Map<string, string>();
  for (const p of installed.values()) for (const v of p.provides) if (!providers.has(v)) providers.set(v, p.name);
  const resolve = (n: string): string | undefined => (installed.has(n) ? n : providers.get(n));
  const seen = new Set<string>();
  const todo: { name: string; from: string }[] = roots.map((r) => ({ name: r, from: 'the image' }));
  while (todo.length > 0) {
    const { name, from } = todo.pop()!;
    const pkg = resolve(name);
    if (!pkg) throw new LabError(`Debian package ${name} (needed by ${from}) is not installed: apt-get install ${name}`);
    if (seen.has(pkg) || skip.includes(pkg)) continue;
    seen.add(pkg);
    for (const alts of installed.get(pkg)!.depends) {
      const choice = alts.find((a) => resolve(a) !== undefined) ?? alts[0]!;
      todo.push({ name: choice, from: pkg });
    }
  }
  return [...seen].sort();
}

const QUERY = '${Package}\t${Version}\t${Status}\t${Pre-Depends}\t${Depends}\t${Provides}\n';

export async function installedPackages(runner: Runner): Promise<Map<string, InstalledPackage>> {
  return parseInstalled((await runner.run('dpkg-query', ['-W', '-f', QUERY])).stdout);
}

/** Installs the packages of `names` that are missing (apt-get, as root); returns those it installed. */
export async function ensureDebianPackages(runner: Runner, names: readonly string[]): Promise<string[]> {
  const installed = await installedPackages(runner);
  const missing = names.filter((n) => !installed.has(n));
  if (missing.length === 0) return [];
  if (process.getuid?.() !== 0) throw new LabError(`missing Debian packages ${missing.join(' ')}: run as root or install them`);
  const env = 'DEBIAN_FRONTEND=noninteractive';
  await runner.run('sh', ['-c', `${env} apt-get update -qq && ${env} apt-get install -y -qq --no-install-recommends ${missing.join(' ')}`]);
  return missing;
}

/** Documentation and translations stay out of images. */
const LEAVE_OUT = ['/usr/share/doc/', '/usr/share/man/', '/usr/share/info/', '/usr/share/locale/', '/usr/share/lintian/', '/usr/share/bash-completion/', '/usr/share/zsh/', '/usr/share/fish/'];

/** The host path with its directory's symlinks resolved (/bin/ip -> /usr/bin/ip); the last part kept. */
function canonical(path: string): string | undefined {
  try {
    return join(realpathSync(dirname(path)), basename(path));
  } catch {
    return undefined;
  }
}

/** The top-level directories that are symlinks on a merged-/usr host (bin -> usr/bin, ...). */
const MERGED = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/**
 * Fills `root` with the files of `packages` (not directories: they are made as needed), the
 * alternatives links that point into them, and the host's merged-/usr links. Returns the file count.
 */
export async function populateDebianPackages(runner: Runner, root: string, packages: readonly string[]): Promise<number> {
  for (const d of MERGED) {
    let target: string;
    try {
      target = readlinkSync(`/${d}`);
    } catch {
      continue;
    }
    await mkdir(join(root, target), { recursive: true });
    if (!existsSync(join(root, d))) await symlink(target, join(root, d));
  }
  const listed = (await runner.run('dpkg-query', ['-L', ...packages])).stdout.split('\n').filter((l) => l.startsWith('/'));
  const files = new Set<string>();
  for (const l of listed) {
    if (LEAVE_OUT.some((p) => l.startsWith(p))) continue;
    const c = canonical(l);
    if (!c || files.has(c)) continue;
    try {
      if (lstatSync(c).isDirectory()) continue;
    } catch {
      continue;
    }
    files.add(c);
  }
  for (const link of alternativesLinks(files)) files.add(link);
  const list = join(root, '..', 'debian-files.txt');
  await writeFile(list, [...files].map((f) => f.slice(1)).join('\n') + '\n');
  // tar keeps symlinks, modes and owners; --no-recursion: exactly the listed paths
  await runner.run('sh', ['-c', `tar -C / --no-recursion -cf - -T '${list}' | tar -C '${root}' -xf -`]);
  return files.size;
}

/** /etc/alternatives/X whose choice is one of `files`, and the /usr/bin, /usr/sbin links to them. */
function alternativesLinks(files: ReadonlySet<string>): string[] {
  const chosen = new Set<string>();
  let names: string[] = [];
  try {
    names = readdirSync('/etc/alternatives');
  } catch {
    return [];
  }
  for (const n of names) {
    try {
      const target = readlinkSync(`/etc/alternatives/${n}`);
      const c = canonical(target);
      if (c && files.has(c)) chosen.add(`/etc/alternatives/${n}`);
    } catch {}
  }
  const links: string[] = [...chosen];
  for (const dir of ['/usr/bin', '/usr/sbin']) {
    for (const n of readdirSync(dir)) {
      try {
        if (chosen.has(readlinkSync(join(dir, n)))) links.push(join(dir, n));
      } catch {}
    }
  }
  return links;
}

/** `name=version` of each package, for image cache keys. */
export function packageVersions(installed: Map<string, InstalledPackage>, packages: readonly string[]): string[] {
  return packages.map((p) => `${p}=${installed.get(p)?.version ?? '?'}`);
}
