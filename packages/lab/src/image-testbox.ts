// The test image: busybox (shell, nc, httpd, ...) and `hostname-server`, a tiny HTTP server that
// answers every request with the container's hostname (the default command, port 8080 or $PORT).
import type { ImageRecipe } from './image-recipe.js';
import { BUSYBOX, fileFingerprint, populateBusybox, populateSkeleton, writeFiles } from './rootfs.js';

export const TESTBOX_IMAGE = 'skiff/testbox:0.1';

const HOSTNAME_SERVER = `#!/bin/sh
# hostname-server [PORT]: answers every HTTP request with this container's hostname.
port="\${1:-\${PORT:-8080}}"
mkdir -p /tmp/www
hostname > /tmp/www/index.html
trap 'exit 0' TERM INT
httpd -f -p "$port" -h /tmp/www &
wait
`;

const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const testboxRecipe: ImageRecipe = {
  ref: TESTBOX_IMAGE,
  config: {
    Env: [PATH],
    Cmd: ['hostname-server'],
    ExposedPorts: { '8080/tcp': {} },
    Labels: { 'io.skiff.image': 'testbox' },
  },
  async fingerprint() {
    return [HOSTNAME_SERVER, fileFingerprint(BUSYBOX)];
  },
  async populate(runner, root) {
    await populateSkeleton(root);
    await populateBusybox(runner, root);
    await writeFiles(root, { 'bin/hostname-server': { text: HOSTNAME_SERVER, mode: 0o755 } });
  },
};
