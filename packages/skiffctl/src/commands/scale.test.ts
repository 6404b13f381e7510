import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../testing/run.js';

const deploy = (name: string, replicas: number, labels: Record<string, string> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', labels },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
});
const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x' }] } };

interface Case {
  name: string;
  argv: string[];
  stdout: string;
  stderr?: RegExp;
  code?: number;
  /** Expected spec.replicas of web, api afterwards. */
  replicas: [number, number];
}

const cases: Case[] = [
  { name: 'TYPE NAME', argv: ['scale', 'deploy', 'web', '--replicas', '5'], stdout: 'deployment.apps/web scaled\n', replicas: [5, 1] },
  { name: 'TYPE/NAME, several', argv: ['scale', 'deploy/web', 'deployment/api', '--replicas=0'], stdout: 'deployment.apps/web scaled\ndeployment.apps/api scaled\n', replicas: [0, 0] },
  { name: '-l', argv: ['scale', 'deploy', '-l', 'tier=be', '--replicas', '4'], stdout: 'deployment.apps/api scaled\n', replicas: [3, 4] },
  { name: '--all', argv: ['scale', 'deploy', '--all', '--replicas', '2'], stdout: 'deployment.apps/api scaled\ndeployment.apps/web scaled\n', replicas: [2, 2] },
  { name: '--current-replicas matches', argv: ['scale', 'deploy/web', '--current-replicas=3', '--replicas=6'], stdout: 'deployment.apps/web scaled\n', replicas: [6, 1] },
  { name: '--current-replicas differs', argv: ['scale', 'deploy/web', '--current-replicas=2', '--replicas=6'], stdout: '', stderr: /^error: Expected replicas to be 2, was 3\n$/, code: 1, replicas: [3, 1] },
  { name: '--resource-version matches', argv: ['scale', 'deploy/web', '--resource-version=1', '--replicas=6'], stdout: 'deployment.apps/web scaled\n', replicas: [6, 1] },
  { name: '--resource-version differs', argv: ['scale', 'deploy/web', '--resource-version=7', '--replicas=6'], stdout: '', stderr: /^error: Expected resource version to be 7, was 1\n$/, code: 1, replicas: [3, 1] },
  { name: 'both preconditions hold', argv: ['scale', 'deploy/web', '--resource-version=1', '--current-replicas=3', '--replicas=0'], stdout: 'deployment.apps/web scaled\n', replicas: [0, 1] },
  { name: '--replicas missing', argv: ['scale', 'deploy/web'], stdout: '', stderr: /^error: required flag\(s\) "replicas" not set\n/, code: 1, replicas: [3, 1] },
  { name: 'negative --replicas', argv: ['scale', 'deploy/web', '--replicas=-1'], stdout: '', stderr: /^error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n/, code: 1, replicas: [3, 1] },
  { name: 'not found', argv: ['scale', 'deploy/nope', '--replicas=1'], stdout: '', stderr: /^Error from server \(NotFound\): deployments.apps "nope" not found\n$/, code: 1, replicas: [3, 1] },
  { name: 'a pod is not scalable', argv: ['scale', 'pod/p', '--replicas=1'], stdout: '', stderr: /^error: no scaler has been implemented for Pod\n$/, code: 1, replicas: [3, 1] },
  { name: 'no name', argv: ['scale', 'deploy', '--replicas=1'], stdout: '', stderr: /^error: resource\(s\) were provided, but no name was specified\n/, code: 1, replicas: [3, 1] },
  { name: '--dry-run=client writes nothing', argv: ['scale', 'deploy/web', '--replicas=9', '--dry-run=client'], stdout: 'deployment.apps/web scaled (dry run)\n', replicas: [3, 1] },
  { name: '--dry-run=server writes nothing', argv: ['scale', 'deploy/web', '--replicas=9', '--dry-run=server'], stdout: 'deployment.apps/web scaled (server dry run)\n', replicas: [3, 1] },
  { name: '-o name', argv: ['scale', 'deploy/web', '--replicas=1', '-o', 'name'], stdout: 'deployment.apps/web\n', replicas: [1, 1] },
];

for (const c of cases) {
  test(`scale: ${c.name}`, async () => {
    const client = new FakeClient({ objects: [deploy('web', 3, { tier: 'fe' }), deploy('api', 1, { tier: 'be' }), pod] });
    const r = await run(client, c.argv);
    assert.equal(r.stdout, c.stdout, r.stderr);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.equal(r.code, c.code ?? 0);
    const replicas = ['web', 'api'].map((n) => (client.find('deployments', 'default', n) as { spec: { replicas: number } }).spec.replicas);
    assert.deepEqual(replicas, c.replicas);
  });
}

test('scale: --current-replicas re-reads after a conflict and checks again', async () => {
  const client = new FakeClient({ objects: [deploy('web', 3)] });
  const { ApiError } = await import('@skiff/api');
  client.injectError('updateScale', new ApiError('ABORTED', 'the object has been modified'), 1);
  const r = await run(client, ['scale', 'deploy/web', '--current-replicas=3', '--replicas=4']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((client.find('deployments', 'default', 'web') as { spec: { replicas: number } }).spec.replicas, 4);
  assert.equal(client.calls.filter((x) => x.verb === 'getScale').length, 2);
});

test('scale: writes through the scale subresource (no update or patch of the object)', async () => {
  const client = new FakeClient({ objects: [deploy('web', 3)] });
  const r = await run(client, ['scale', 'deploy/web', '--replicas=4']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(client.calls.filter((x) => ['update', 'patch', 'updateScale'].includes(x.verb)).map((x) => x.verb), ['updateScale']);
});
