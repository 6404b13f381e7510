// `python:3` made from the host's own Debian Python and Debian's Flask (python3-flask, installed with
// apt when missing), so a `FROM python:3` Dockerfile of a Flask app builds on a machine without a
// registry: the files of the python3 and python3-flask packages and everything they depend on, plus
// busybox for /bin/sh. Not one of the images every lab node gets (LAB_RECIPES): it is built and
// loaded where a test or a user asks for it.
import type { ImageRecipe } from './image-recipe.js';
import { ensureDebianPackages, installedPackages, packageClosure, packageVersions, populateDebianPackages } from './debian-packages.js';
import { BUSYBOX, fileFingerprint, populateBusybox, populateSkeleton } from './rootfs.js';

export const PYTHON_IMAGE = 'python:3';
const PACKAGES = ['python3', 'python3-flask'];

export const pythonRecipe: ImageRecipe = {
  ref: PYTHON_IMAGE,
  config: {
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'LANG=C.UTF-8', 'PYTHONDONTWRITEBYTECODE=1'],
    Cmd: ['python3'],
    Labels: { 'io.skiff.image': 'python' },
  },
  async fingerprint(runner) {
    await ensureDebianPackages(runner, PACKAGES);
    const installed = await installedPackages(runner);
    return [...packageVersions(installed, packageClosure(installed, PACKAGES)), fileFingerprint(BUSYBOX)];
  },
  async populate(runner, root) {
    const installed = await installedPackages(runner);
    await populateDebianPackages(runner, root, packageClosure(installed, PACKAGES));
    await populateSkeleton(root);
    await populateBusybox(runner, root);
  },
};
