import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeNode, makePod, makeSnapshot } from '../../testing/builders.js';
import { handleFor, scoreAll } from '../../testing/run-plugin.js';
import { ImageLocality } from './image-locality.js';

const mb = 1024 * 1024;

void test('ImageLocality score', async (t) => {
  const snapshot = makeSnapshot([
    makeNode('big', { images: [{ names: ['registry/app:1', 'registry/app@sha256:abc'], sizeBytes: 500 * mb }] }),
    makeNode('small', { images: [{ names: ['busybox:latest'], sizeBytes: 10 * mb }] }),
    makeNode('none'),
  ]);
  const cases = [
    // 500MB on 1 of 3 nodes: 166.7MB -> 100 * (166.7 - 23) / (1000 - 23) = 14.
    { name: 'a large image on the node scores, scaled by its spread', pod: makePod('p', { image: 'registry/app:1' }), want: { big: 14, small: 0, none: 0 } },
    { name: 'an untagged name means :latest; below 23MB scores 0', pod: makePod('p', { image: 'busybox' }), want: { big: 0, small: 0, none: 0 } },
    { name: 'an image no node has: PreScore skips (0 everywhere)', pod: makePod('p', { image: 'registry/other:2' }), want: undefined },
    // Two containers with it: 2 * 166.7MB, the maximum doubles: 100 * (333.3 - 23) / (2000 - 23) = 15.
    { name: 'each container counts, against a maximum per container', pod: makePod('p', { image: 'registry/app:1', containers: 2 }), want: { big: 15, small: 0, none: 0 } },
  ];
  for (const c of cases) await t.test(c.name, () => assert.deepEqual(scoreAll(new ImageLocality(handleFor(snapshot)), c.pod, snapshot), c.want));
});
