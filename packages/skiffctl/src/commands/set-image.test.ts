import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../testing/run.js';

const deploy: KObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'nginx:1.0', ports: [{ containerPort: 80 }] }, { name: 'side', image: 'envoy:1' }] } },
  },
};

interface Case {
  name: string;
  argv: string[];
  stdout: string;
  stderr?: RegExp;
  code?: number;
  /** Images of init, app, side afterwards. */
  images: [string, string, string];
}

const cases: Case[] = [
  { name: 'one container', argv: ['set', 'image', 'deployment/web', 'app=nginx:1.1'], stdout: 'deployment.apps/web image updated\n', images: ['busybox', 'nginx:1.1', 'envoy:1'] },
  { name: 'TYPE NAME, two containers', argv: ['set', 'image', 'deploy', 'web', 'app=nginx:2', 'side=envoy:2'], stdout: 'deployment.apps/web image updated\n', images: ['busybox', 'nginx:2', 'envoy:2'] },
  { name: 'an init container', argv: ['set', 'image', 'deploy/web', 'init=busybox:1.36'], stdout: 'deployment.apps/web image updated\n', images: ['busybox:1.36', 'nginx:1.0', 'envoy:1'] },
  { name: '* sets every container', argv: ['set', 'image', 'deploy/web', '*=img:3'], stdout: 'deployment.apps/web image updated\n', images: ['img:3', 'img:3', 'img:3'] },
  { name: 'unknown container', argv: ['set', 'image', 'deploy/web', 'nope=x'], stdout: '', stderr: /^error: unable to find container named "nope"\n$/, code: 1, images: ['busybox', 'nginx:1.0', 'envoy:1'] },
  { name: 'no image given', argv: ['set', 'image', 'deploy/web'], stdout: '', stderr: /^error: at least one image update is required\n/, code: 1, images: ['busybox', 'nginx:1.0', 'envoy:1'] },
  { name: 'dry run', argv: ['set', 'image', 'deploy/web', 'app=x', '--dry-run=client'], stdout: 'deployment.apps/web image updated (dry run)\n', images: ['busybox', 'nginx:1.0', 'envoy:1'] },
];

for (const c of cases) {
  test(`set image: ${c.name}`, async () => {
    const client = new FakeClient({ objects: [deploy] });
    const r = await run(client, c.argv);
    assert.equal(r.stdout, c.stdout, r.stderr);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.equal(r.code, c.code ?? 0);
    const spec = (client.find('deployments', 'default', 'web') as { spec: { template: { spec: { initContainers: { image: string }[]; containers: { image: string; ports?: unknown[] }[] } } } }).spec.template.spec;
    assert.deepEqual([spec.initContainers[0]!.image, spec.containers[0]!.image, spec.containers[1]!.image], c.images);
    // The patch merges by name: the rest of each container is kept.
    assert.equal(spec.containers[0]!.ports?.length, 1);
  });
}
