import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountsUnder } from './mounts.js';

const mountinfo = [
  '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '301 22 0:50 / /var/lib/skiff/lab/a/nodes/n1/docker/overlay2/x/merged rw - overlay overlay rw',
  '302 22 0:4 net:[4026532] /var/lib/skiff/lab/a/nodes/n1/exec/netns/abc rw - nsfs nsfs rw',
  '303 22 0:51 / /var/lib/skiff/lab/ab/nodes/n1/docker/overlay2/y/merged rw - overlay overlay rw',
  '304 22 0:52 / /var/lib/skiff/lab/a/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

void describe('mountsUnder', () => {
  void it('finds mounts under the prefix, deepest first, not those of a sibling with a longer name', () => {
    assert.deepEqual(mountsUnder(mountinfo, '/var/lib/skiff/lab/a'), [
      '/var/lib/skiff/lab/a/nodes/n1/docker/overlay2/x/merged',
      '/var/lib/skiff/lab/a/nodes/n1/exec/netns/abc',
      '/var/lib/skiff/lab/a/with space',
    ]);
  });
  void it('finds nothing under an unrelated prefix', () => assert.deepEqual(mountsUnder(mountinfo, '/tmp/x'), []));
});
