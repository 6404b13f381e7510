import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '@skiff/api';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { CrashBackoff } from './backoff.js';
import { ImageManager } from './images.js';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [] } };

const cases: { name: string; container: Container; present?: boolean; pullable?: boolean; want: string; events: string[] }[] = [
  { name: 'IfNotPresent, present: used', container: { name: 'c', image: 'app:1', imagePullPolicy: 'IfNotPresent' }, present: true, want: 'ok', events: ['Pulled'] },
  { name: 'IfNotPresent, absent: pulled', container: { name: 'c', image: 'app:1', imagePullPolicy: 'IfNotPresent' }, pullable: true, want: 'ok', events: ['Pulling', 'Pulled'] },
  { name: 'no policy, tag: IfNotPresent', container: { name: 'c', image: 'app:1' }, present: true, want: 'ok', events: ['Pulled'] },
  { name: 'no policy, no tag: Always pulls', container: { name: 'c', image: 'app' }, present: true, pullable: true, want: 'ok', events: ['Pulling', 'Pulled'] },
  { name: 'Always, pull fails, present: falls back with a Warning', container: { name: 'c', image: 'app:1', imagePullPolicy: 'Always' }, present: true, want: 'ok', events: ['Pulling', 'Failed'] },
  { name: 'Always, pull fails, absent: ErrImagePull', container: { name: 'c', image: 'app:1', imagePullPolicy: 'Always' }, want: 'ErrImagePull', events: ['Pulling', 'Failed', 'Failed'] },
  { name: 'Never, present', container: { name: 'c', image: 'app:1', imagePullPolicy: 'Never' }, present: true, want: 'ok', events: ['Pulled'] },
  { name: 'Never, absent: ErrImageNeverPull', container: { name: 'c', image: 'app:1', imagePullPolicy: 'Never' }, want: 'ErrImageNeverPull', events: ['ErrImageNeverPull'] },
];
for (const c of cases) {
  void test(`ImageManager: ${c.name}`, async () => {
    const ref = c.container.image ?? '';
    const runtime = new FakeRuntime({ ...(c.present ? { images: [{ ref }] } : {}), ...(c.pullable ? { pullable: [ref] } : {}) });
    const events: string[] = [];
    const m = new ImageManager(runtime, new CrashBackoff(), (_p, _t, reason) => events.push(reason), () => 1000);
    const r = await m.ensure(pod, c.container);
    assert.equal('image' in r ? 'ok' : r.waiting.reason, c.want);
    assert.deepEqual(events, c.events);
  });
}

void test('ImageManager: a failed pull backs off (ImagePullBackOff), then tries again', async () => {
  const runtime = new FakeRuntime();
  let now = 1000;
  const m = new ImageManager(runtime, new CrashBackoff(), () => {}, () => now);
  const c: Container = { name: 'c', image: 'app:1' };
  const first = await m.ensure(pod, c);
  assert.ok('waiting' in first && first.waiting.reason === 'ErrImagePull' && first.retryAfterMs === 10_000);
  now += 5000;
  const second = await m.ensure(pod, c);
  assert.ok('waiting' in second && second.waiting.reason === 'ImagePullBackOff' && second.retryAfterMs === 5000);
  now += 6000;
  const third = await m.ensure(pod, c);
  assert.ok('waiting' in third && third.waiting.reason === 'ErrImagePull' && third.retryAfterMs === 20_000);
});
