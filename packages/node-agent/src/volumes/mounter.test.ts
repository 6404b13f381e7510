import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountInfo, pointsUnder } from './mounter.js';

const mountinfo = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:35 / /var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~secret/s rw,relatime shared:20 - tmpfs tmpfs rw
41 22 0:36 / /var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~empty-dir/with\\040space rw - tmpfs tmpfs rw
42 22 0:37 / /var/lib/skiff-agent/pods/u10/volumes/kubernetes.io~secret/s rw - tmpfs tmpfs rw
`;

const cases: { name: string; dir: string; want: string[] }[] = [
  {
    name: 'mounts below a pod, deepest first, escapes decoded',
    dir: '/var/lib/skiff-agent/pods/u1',
    want: ['/var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~empty-dir/with space', '/var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~secret/s'],
  },
  { name: 'a prefix of another uid does not match', dir: '/var/lib/skiff-agent/pods/u10', want: ['/var/lib/skiff-agent/pods/u10/volumes/kubernetes.io~secret/s'] },
  { name: 'the mount point itself', dir: '/var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~secret/s/', want: ['/var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~secret/s'] },
  { name: 'nothing', dir: '/elsewhere', want: [] },
];
for (const c of cases) {
  void test(`mountsUnder: ${c.name}`, () => {
    assert.deepEqual(pointsUnder(parseMountInfo(mountinfo), c.dir), c.want);
  });
}
