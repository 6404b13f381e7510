// `node:latest` made from the host's own Node.js and npm, so a stock `FROM node:latest` Dockerfile
// builds on a lab node without a registry: the node binary with the libraries ldd lists, npm's
// module directory, busybox for /bin/sh, and an npmrc that keeps `npm install` offline and quiet.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { cp, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { LabError } from './errors.js';
import type { ImageRecipe } from './image-recipe.js';
import { which } from './which.js';
import { BUSYBOX, copyWithLibraries, fileFingerprint, populateBusybox, populateSkeleton, rememberedLibraries, writeFiles } from './rootfs.js';

export const NODE_IMAGE = 'node:latest';

/** npm's global config for `prefix=/usr` (where node is in the image): no registry, no audit, no fund. */
const NPMRC = 'offline=true\naudit=false\nfund=false\nupdate-notifier=false\n';

interface HostNode {
  node: string;
  /** npm's module directory (holds package.json and bin/npm-cli.js) */
  npmDir: string;
}

/** Where the host keeps node and npm (npm's dir from the `npm` on the PATH, else the usual places).
 * Synchronous, like the fingerprints (see rootfs.ts). */
export function findHostNode(): HostNode {
  const nodeOnPath = which('node');
  const node = nodeOnPath ? realpathSync(nodeOnPath) : process.execPath;
  const candidates: string[] = [];
  const npm = which('npm');
  if (npm) candidates.push(join(dirname(realpathSync(npm)), '..'));
  candidates.push('/usr/lib/node_modules/npm', '/usr/local/lib/node_modules/npm', '/usr/share/nodejs/npm', join(dirname(node), '../lib/node_modules/npm'));
  for (const c of candidates) {
    if (existsSync(join(c, 'bin/npm-cli.js'))) return { node, npmDir: realpathSync(c) };
  }
  throw new LabError('npm not found on this machine (looked for bin/npm-cli.js in the npm on the PATH and /usr/lib/node_modules/npm)');
}

export const nodeRecipe: ImageRecipe = {
  ref: NODE_IMAGE,
  config: {
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'NPM_CONFIG_UPDATE_NOTIFIER=false'],
    Cmd: ['node'],
    Labels: { 'io.skiff.image': 'node' },
  },
  async fingerprint(runner, cacheDir) {
    const host = findHostNode();
    const libs = await rememberedLibraries(runner, host.node, cacheDir);
    const npmPkg = readFileSync(join(host.npmDir, 'package.json'), 'utf8');
    return [NPMRC, fileFingerprint(host.node), ...libs.map(fileFingerprint), host.npmDir, npmPkg, fileFingerprint(BUSYBOX)];
  },
  async populate(runner, root) {
    const host = findHostNode();
    await populateSkeleton(root);
    await populateBusybox(runner, root);
    await copyWithLibraries(runner, root, host.node);
    if (host.node !== '/usr/bin/node') await symlink(host.node, join(root, 'usr/bin/node'));
    // Debian's own npm package spreads its dependencies over /usr/share/nodejs: take all of it.
    const shared = host.npmDir.startsWith('/usr/share/nodejs/');
    const npmTarget = shared ? '/usr/share/nodejs/npm' : '/usr/lib/node_modules/npm';
    await cp(shared ? '/usr/share/nodejs' : host.npmDir, join(root, shared ? '/usr/share/nodejs' : npmTarget), { recursive: true, verbatimSymlinks: true });
    await symlink(`${npmTarget}/bin/npm-cli.js`, join(root, 'usr/bin/npm'));
    if (existsSync(join(host.npmDir, 'bin/npx-cli.js'))) await symlink(`${npmTarget}/bin/npx-cli.js`, join(root, 'usr/bin/npx'));
    await symlink('/bin/busybox', join(root, 'usr/bin/env'));
    await writeFiles(root, { 'usr/etc/npmrc': { text: NPMRC } });
  },
};
