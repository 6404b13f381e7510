// The compose lab's offline base image `skiff/compose-base:0.1`, built without a registry from the
// host's installed Debian packages (with everything they depend on) and the host's Node.js: what
// every compose service runs on. Docker and its runtime for the nodes (docker.io, iptables,
// iproute2), etcd (etcd-server) and the registry (docker-registry); busybox for the shell tools.
// `deploy/compose/Dockerfile` starts FROM it (its BASE build argument); where a registry can be
// reached, BASE=node:20-bookworm-slim gives the same image through apt-get.
import { BUSYBOX, copyWithLibraries, ensureDebianPackages, fileFingerprint, findHostNode, installedPackages, packageClosure, packageVersions, populateBusybox, populateDebianPackages, populateSkeleton, type ImageRecipe } from '@skiff/lab';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';

export const BASE_IMAGE = 'skiff/compose-base:0.1';
/** the Debian packages of the base image (the Dockerfile installs the same ones on a pulled base) */
export const BASE_PACKAGES = ['docker.io', 'iptables', 'iproute2', 'etcd-server', 'docker-registry', 'ca-certificates'];
/** pulled in by Depends but not needed to run anything in a container (maintainer-script helpers) */
const SKIP = ['init-system-helpers', 'lsb-base', 'adduser', 'sysvinit-utils'];

export const baseRecipe: ImageRecipe = {
  ref: BASE_IMAGE,
  config: {
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    Cmd: ['/bin/sh'],
    Labels: { 'io.skiff.image': 'compose-base' },
  },
  async fingerprint(runner) {
    await ensureDebianPackages(runner, BASE_PACKAGES);
    const installed = await installedPackages(runner);
    const node = findHostNode().node;
    return [...packageVersions(installed, packageClosure(installed, BASE_PACKAGES, SKIP)), fileFingerprint(node), fileFingerprint(BUSYBOX)];
  },
  async populate(runner, root) {
    const installed = await installedPackages(runner);
    await populateDebianPackages(runner, root, packageClosure(installed, BASE_PACKAGES, SKIP));
    await populateSkeleton(root);
    await populateBusybox(runner, root);
    const node = findHostNode().node;
    await copyWithLibraries(runner, root, node);
    if (node !== '/usr/bin/node') await symlink(node, join(root, 'usr/bin/node'));
  },
};
