import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../../testing/run.js';

const UID = '11111111-1111-1111-1111-111111111111';
const template = (image: string, extra: Record<string, string> = {}): Record<string, unknown> => ({
  metadata: { labels: { app: 'web', ...extra } },
  spec: { containers: [{ name: 'app', image }] },
});

interface DeployOpts {
  image?: string;
  paused?: boolean;
  generation?: number;
  status?: Record<string, unknown>;
  replicas?: number;
}

const deploy = (o: DeployOpts = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: UID, generation: o.generation ?? 1, annotations: { 'deployment.kubernetes.io/revision': '3' } },
  spec: { replicas: o.replicas ?? 3, selector: { matchLabels: { app: 'web' } }, template: template(o.image ?? 'nginx:3'), ...(o.paused ? { paused: true } : {}) },
  status: o.status ?? { observedGeneration: o.generation ?? 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
});

const rs = (revision: number, image: string, annotations: Record<string, string> = {}, owner = UID): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: `web-${revision}`,
    namespace: 'default',
    labels: { app: 'web', 'pod-template-hash': `h${revision}` },
    annotations: { 'deployment.kubernetes.io/revision': String(revision), ...annotations },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner, controller: true }],
  },
  spec: { replicas: 0, selector: { matchLabels: { app: 'web', 'pod-template-hash': `h${revision}` } }, template: template(image, { 'pod-template-hash': `h${revision}` }) },
});

const history = (): KObject[] => [
  rs(1, 'nginx:1', { 'kubernetes.io/change-cause': 'first', 'team.example/note': 'one' }),
  rs(3, 'nginx:3'),
  rs(2, 'nginx:2'),
  // Selected by the labels but controlled by another Deployment: not a revision of web.
  { ...rs(9, 'other', {}, 'ffffffff-0000-0000-0000-000000000000'), metadata: { ...rs(9, 'other', {}, 'ffffffff-0000-0000-0000-000000000000').metadata, name: 'web-other' } },
];

interface Case {
  name: string;
  argv: string[];
  objects: KObject[];
  stdout: string;
  stderr?: RegExp;
  code?: number;
  /** Checks on the Deployment afterwards. */
  check?: (d: KObject & { spec: Record<string, any> }) => void;
}

const image = (d: { spec: Record<string, any> }): string => d.spec.template.spec.containers[0].image;

const cases: Case[] = [
  { name: 'history', argv: ['rollout', 'history', 'deployment/web'], objects: [deploy(), ...history()], stdout: 'deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         first\n2         <none>\n3         <none>\n\n' },
  { name: 'history without revisions', argv: ['rollout', 'history', 'deploy', 'web'], objects: [deploy()], stdout: 'deployment.apps/web\nNo rollout history found.\n' },
  {
    name: 'history --revision',
    argv: ['rollout', 'history', 'deploy/web', '--revision=2'],
    objects: [deploy(), ...history()],
    stdout: [
      'deployment.apps/web with revision #2',
      'Pod Template:',
      '  Labels:  app=web',
      '           pod-template-hash=h2',
      '  Containers:',
      '    app:',
      '      Image:        nginx:2',
      '      Port:         <none>',
      '      Environment:  <none>',
      '      Mounts:       <none>',
      '  Volumes:          <none>',
      '',
      '',
    ].join('\n'),
  },
  { name: 'history --revision unknown', argv: ['rollout', 'history', 'deploy/web', '--revision=7'], objects: [deploy(), ...history()], stdout: '', stderr: /^error: unable to find the specified revision\n$/, code: 1 },
  { name: 'history of a pod', argv: ['rollout', 'history', 'pod/p'], objects: [], stdout: '', stderr: /^error: no history viewer has been implemented for Pod\n$/, code: 1 },
  {
    name: 'undo: the previous revision, without the hash label, annotations copied',
    argv: ['rollout', 'undo', 'deployment/web'],
    objects: [deploy(), ...history()],
    stdout: 'deployment.apps/web rolled back\n',
    check: (d) => {
      assert.equal(image(d), 'nginx:2');
      assert.deepEqual(d.spec.template.metadata.labels, { app: 'web' });
    },
  },
  {
    name: 'undo --to-revision',
    argv: ['rollout', 'undo', 'deploy/web', '--to-revision=1'],
    objects: [deploy(), ...history()],
    stdout: 'deployment.apps/web rolled back\n',
    check: (d) => {
      assert.equal(image(d), 'nginx:1');
      assert.equal(d.metadata.annotations?.['team.example/note'], 'one');
      assert.equal(d.metadata.annotations?.['deployment.kubernetes.io/revision'], '3', 'the controller keeps its own annotation');
    },
  },
  { name: 'undo to a missing revision', argv: ['rollout', 'undo', 'deploy/web', '--to-revision=5'], objects: [deploy(), ...history()], stdout: '', stderr: /^error: unable to find specified revision 5 in history\n$/, code: 1, check: (d) => assert.equal(image(d), 'nginx:3') },
  { name: 'undo without history', argv: ['rollout', 'undo', 'deploy/web'], objects: [deploy(), rs(3, 'nginx:3')], stdout: '', stderr: /^error: no rollout history found for deployment "web"\n$/, code: 1 },
  { name: 'undo to the current template', argv: ['rollout', 'undo', 'deploy/web', '--to-revision=3'], objects: [deploy(), ...history()], stdout: 'deployment.apps/web skipped rollback (current template already matches revision 3)\n' },
  { name: 'undo of a paused deployment', argv: ['rollout', 'undo', 'deploy/web'], objects: [deploy({ paused: true }), ...history()], stdout: '', stderr: /^error: you cannot rollback a paused deployment; resume it first with 'skiffctl rollout resume deployment.apps\/web' and try again\n$/, code: 1 },
  {
    name: 'restart',
    argv: ['rollout', 'restart', 'deploy/web'],
    objects: [deploy()],
    stdout: 'deployment.apps/web restarted\n',
    check: (d) => assert.equal(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt'], '2024-01-01T01:00:00Z'),
  },
  { name: 'restart a paused deployment', argv: ['rollout', 'restart', 'deploy/web'], objects: [deploy({ paused: true })], stdout: '', stderr: /^error: deployments.apps "web" can't restart paused deployment \(run rollout resume first\)\n$/, code: 1 },
  { name: 'pause', argv: ['rollout', 'pause', 'deploy/web'], objects: [deploy()], stdout: 'deployment.apps/web paused\n', check: (d) => assert.equal(d.spec.paused, true) },
  { name: 'pause twice', argv: ['rollout', 'pause', 'deploy/web'], objects: [deploy({ paused: true })], stdout: '', stderr: /^error: deployments.apps "web" is already paused\n$/, code: 1 },
  { name: 'resume', argv: ['rollout', 'resume', 'deploy/web'], objects: [deploy({ paused: true })], stdout: 'deployment.apps/web resumed\n', check: (d) => assert.ok(!d.spec.paused) },
  { name: 'resume when not paused', argv: ['rollout', 'resume', 'deploy/web'], objects: [deploy()], stdout: '', stderr: /^error: deployments.apps "web" is not paused\n$/, code: 1 },
  { name: 'status of a complete rollout', argv: ['rollout', 'status', 'deploy/web'], objects: [deploy()], stdout: 'deployment "web" successfully rolled out\n' },
  {
    name: 'status once (--watch=false)',
    argv: ['rollout', 'status', 'deploy/web', '--watch=false'],
    objects: [deploy({ status: { observedGeneration: 1, replicas: 4, updatedReplicas: 1, availableReplicas: 3 } })],
    stdout: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n',
  },
  {
    name: 'status past its deadline',
    argv: ['rollout', 'status', 'deploy/web'],
    objects: [deploy({ status: { observedGeneration: 1, replicas: 3, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } })],
    stdout: '',
    stderr: /^error: deployment "web" exceeded its progress deadline\n$/,
    code: 1,
  },
  { name: 'status not found', argv: ['rollout', 'status', 'deploy/nope'], objects: [], stdout: '', stderr: /^Error from server \(NotFound\): deployments.apps "nope" not found\n$/, code: 1 },
];

for (const c of cases) {
  test(`rollout: ${c.name}`, async () => {
    const client = new FakeClient({ objects: c.objects });
    const r = await run(client, c.argv);
    assert.equal(r.stdout, c.stdout, r.stderr);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.equal(r.code, c.code ?? 0);
    if (c.check) c.check(client.find('deployments', 'default', 'web')!);
  });
}

test('rollout status follows the rollout live until it completes', async () => {
  const client = new FakeClient({ objects: [deploy({ generation: 2, status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 } })] });
  const done = run(client, ['rollout', 'status', 'deploy/web']);
  const steps = [
    { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 },
    { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
    { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
    { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
  ];
  for (const status of steps) {
    await new Promise((r) => setTimeout(r, 20));
    const d = client.find('deployments', 'default', 'web')!;
    await client.updateStatus({ ...d, status });
  }
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'Waiting for deployment spec update to be observed...',
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
      'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
      'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...',
      'deployment "web" successfully rolled out',
      '',
    ].join('\n'),
  );
});

test('rollout status exits 1 when the deadline is exceeded during the watch', async () => {
  const client = new FakeClient({ objects: [deploy({ status: { observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 1 } })] });
  const done = run(client, ['rollout', 'status', 'deploy/web']);
  await new Promise((r) => setTimeout(r, 20));
  const d = client.find('deployments', 'default', 'web')!;
  await client.updateStatus({ ...d, status: { ...(d as { status: object }).status, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } });
  const r = await done;
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'error: deployment "web" exceeded its progress deadline\n');
});

test('rollout status rides through the apiserver going away (watch broken, reads refused for a while)', async () => {
  const client = new FakeClient({ objects: [deploy({ status: { observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 1 } })] });
  const done = run(client, ['rollout', 'status', 'deploy/web', '--timeout=20s']);
  await new Promise((r) => setTimeout(r, 20));
  const refused = new ApiError('UNAVAILABLE', 'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:6443.');
  client.injectError('get', refused, 2);
  client.breakWatches('UNAVAILABLE', refused.message);
  const d = client.find('deployments', 'default', 'web')!;
  await client.updateStatus({ ...d, status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 } });
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deployment "web" successfully rolled out\n$/);
});

test('rollout status --timeout', async () => {
  const client = new FakeClient({ objects: [deploy({ status: { observedGeneration: 1, replicas: 3, updatedReplicas: 1, availableReplicas: 1 } })] });
  const r = await run(client, ['rollout', 'status', 'deploy/web', '--timeout=100ms']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'error: timed out waiting for the condition\n');
});
