// The pod sandbox ("pause") image: holds the pod's network namespace, exits at once on SIGTERM,
// reaps orphans, and uses almost no memory. A tiny static C program when gcc is there (about 700 kB
// on disk, ~100 kB RSS); otherwise busybox sh with a trap.
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageRecipe } from './image-recipe.js';
import { which } from './which.js';
import { fileFingerprint, populateBusybox, writeFiles, BUSYBOX } from './rootfs.js';

export const PAUSE_IMAGE = 'skiff/pause:0.1';

export const PAUSE_C = `#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void stop(int sig) { (void)sig; _exit(0); }
static void reap(int sig) { (void)sig; while (waitpid(-1, 0, WNOHANG) > 0) {} }
int main(void) {
  struct sigaction a = {0};
  a.sa_handler = stop;
  sigaction(SIGTERM, &a, 0);
  sigaction(SIGINT, &a, 0);
  a.sa_handler = reap;
  a.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigaction(SIGCHLD, &a, 0);
  for (;;) pause();
}
`;

const PAUSE_SH = `#!/bin/sh
trap 'exit 0' TERM INT
while :; do sleep 3600 & wait; done
`;

function gcc(): string | undefined {
  return which('gcc');
}

export const pauseRecipe: ImageRecipe = {
  ref: PAUSE_IMAGE,
  config: { Entrypoint: ['/pause'], Labels: { 'io.skiff.image': 'pause' } },
  async fingerprint() {
    const cc = gcc();
    return cc ? ['gcc', fileFingerprint(cc), PAUSE_C] : ['sh', PAUSE_SH, fileFingerprint(BUSYBOX)];
  },
  async populate(runner, root) {
    if (gcc()) {
      const src = join(root, '..', 'pause.c');
      await writeFile(src, PAUSE_C);
      await runner.run('gcc', ['-static', '-Os', '-s', '-o', join(root, 'pause'), src]);
      await rm(src);
      await chmod(join(root, 'pause'), 0o755);
      return;
    }
    await populateBusybox(runner, root);
    await writeFiles(root, { pause: { text: PAUSE_SH, mode: 0o755 } });
  },
};
