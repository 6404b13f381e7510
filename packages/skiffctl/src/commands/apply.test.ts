import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { fieldError, invalid, type KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run, writeFiles } from '../testing/run.js';
import { LAST_APPLIED } from '../last-applied.js';

const deployment = (opts: { image?: string; replicas?: number; extra?: string; field?: string; ns?: string } = {}): string =>
  `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web${opts.ns ? `\n  namespace: ${opts.ns}` : ''}
  labels:
    app: web
spec:${opts.replicas !== undefined ? `\n  replicas: ${opts.replicas}` : ''}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        ${opts.field ?? 'image'}: ${opts.image ?? 'nginx:1'}
${opts.extra ?? ''}`;

const service = (type?: string): string => `apiVersion: v1
kind: Service
metadata:
  name: web
spec:${type ? `\n  type: ${type}` : ''}
  selector:
    app: web
  ports:
  - port: 80
`;

void test('apply creates, records last-applied, then reports unchanged without writing', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 'deploy.yaml': deployment({ replicas: 2 }) });
  const f = join(dir, 'deploy.yaml');
  let r = await run(c, ['apply', '-f', f]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, 'deployment.apps/web created\n');
  assert.equal(r.code, 0);
  const live = c.find('deployments', 'default', 'web')!;
  assert.equal(live.metadata.namespace, 'default');
  const recorded = JSON.parse(live.metadata.annotations![LAST_APPLIED]!) as KObject;
  assert.equal(recorded.metadata.namespace, 'default');
  assert.equal(recorded.metadata.annotations, undefined);
  assert.equal((recorded.spec as { replicas: number }).replicas, 2);

  const before = c.writes().length;
  r = await run(c, ['apply', '-f', f]);
  assert.equal(r.stdout, 'deployment.apps/web unchanged\n');
  assert.equal(c.writes().length, before);
});

void test('apply keeps the allocated clusterIP when the service changes', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 'svc.yaml': service() });
  const f = join(dir, 'svc.yaml');
  assert.equal((await run(c, ['apply', '-f', f])).stdout, 'service/web created\n');
  assert.equal((c.find('svc', 'default', 'web')!.spec as { clusterIP: string }).clusterIP, '10.96.0.10');
  writeFileSync(f, service('NodePort'));
  const r = await run(c, ['apply', '-f', f]);
  assert.equal(r.stdout, 'service/web configured\n');
  const spec = c.find('svc', 'default', 'web')!.spec as { clusterIP: string; type: string };
  assert.equal(spec.clusterIP, '10.96.0.10');
  assert.equal(spec.type, 'NodePort');
  const patch = c.writes().at(-1)!;
  assert.equal(patch.verb, 'patch');
  assert.deepEqual((patch.body as { spec: unknown }).spec, { type: 'NodePort' });
});

void test('apply keeps replicas set by an autoscaler when the manifest does not set them', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 'd.yaml': deployment() });
  const f = join(dir, 'd.yaml');
  await run(c, ['apply', '-f', f]);
  await c.patch('deployments', 'default', 'web', { spec: { replicas: 5 } });
  writeFileSync(f, deployment({ image: 'nginx:2' }));
  const r = await run(c, ['apply', '-f', f]);
  assert.equal(r.stdout, 'deployment.apps/web configured\n');
  const spec = c.find('deploy', 'default', 'web')!.spec as { replicas: number; template: { spec: { containers: { image: string }[] } } };
  assert.equal(spec.replicas, 5);
  assert.equal(spec.template.spec.containers[0]!.image, 'nginx:2');
});

void test('apply deletes a field removed from the manifest', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 'd.yaml': deployment({ replicas: 3 }) });
  const f = join(dir, 'd.yaml');
  await run(c, ['apply', '-f', f]);
  writeFileSync(f, deployment());
  assert.equal((await run(c, ['apply', '-f', f])).stdout, 'deployment.apps/web configured\n');
  // The server defaults the removed field again, as Kubernetes does (replicas: 1).
  assert.equal((c.find('deploy', 'default', 'web')!.spec as { replicas?: number }).replicas, 1);
});

interface RejectCase {
  name: string;
  files: Record<string, string>;
  args?: string[];
  stderr: RegExp[];
}

const rejectCases: RejectCase[] = [
  {
    name: 'unknown field, named with its path and file; the valid document before it is not sent',
    files: { 'deploy.yaml': `${service()}---\n${deployment({ field: 'imagee' })}` },
    stderr: [/^error: .*deploy\.yaml: Deployment "web": spec\.template\.spec\.containers\[0\]\.imagee: unknown field "imagee"$/m],
  },
  {
    name: 'wrong type',
    files: { 'deploy.yaml': deployment({ replicas: 'three' as unknown as number }) },
    stderr: [/deploy\.yaml: Deployment "web": spec\.replicas: Invalid value: "three": expected an integer/],
  },
  {
    name: 'bad YAML in a second file: nothing from the first is sent',
    files: { 'a.yaml': service(), 'b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: {a: 1\n' },
    stderr: [/^error: .*b\.yaml:\d+: /m],
  },
  {
    name: 'unknown kind',
    files: { 'x.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n' },
    stderr: [/^error: .*x\.yaml:1: "w": no matches for kind "Widget" in version "example\.com\/v1"$/m],
  },
  { name: 'missing kind', files: { 'x.yaml': 'apiVersion: v1\nmetadata:\n  name: w\n' }, stderr: [/x\.yaml:1: kind not set/] },
  { name: 'missing name', files: { 'x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n' }, stderr: [/x\.yaml:1: ConfigMap: metadata\.name: Required value/] },
  {
    name: 'namespace in the manifest conflicts with -n',
    files: { 'd.yaml': deployment({ ns: 'prod' }) },
    args: ['-n', 'dev'],
    stderr: [/the namespace from the provided object "prod" does not match the namespace "dev"/],
  },
  { name: 'empty directory', files: { 'empty/.keep': '' }, stderr: [/error: no objects passed/] },
  { name: 'all problems of all files are listed', files: { 'a.yaml': deployment({ field: 'imagee' }), 'b.yaml': 'kind: Foo\napiVersion: v1\n' }, stderr: [/imagee/, /Foo/] },
];

for (const rc of rejectCases) {
  void test(`apply rejects before writing anything: ${rc.name}`, async () => {
    const c = new FakeClient();
    const dir = writeFiles(rc.files);
    const target = Object.keys(rc.files)[0]!.includes('/') ? join(dir, 'empty') : dir;
    const r = await run(c, ['apply', '-f', target, ...(rc.args ?? [])]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    for (const re of rc.stderr) assert.match(r.stderr, re);
    assert.deepEqual(c.writes(), []);
    assert.deepEqual(c.calls, []);
  });
}

void test('apply checks every object with a server dry run first: one invalid object and nothing is written', async () => {
  const c = new FakeClient();
  c.warnings = ['apps/v1 Deployment sent as apiVersion v1'];
  c.admit = (o) => {
    if (o.kind === 'ConfigMap') throw invalid('ConfigMap', 'bad', [fieldError('data[x y]', 'Invalid', 'a valid config key must consist of alphanumerics'), fieldError('metadata.name', 'Invalid', 'bad name')]);
  };
  const dir = writeFiles({ 'all.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n---\n${deployment()}` });
  const r = await run(c, ['apply', '-f', join(dir, 'all.yaml')]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.equal(c.find('deploy', 'default', 'web'), undefined);
  assert.match(r.stderr, /^Error from server \(Invalid\): error when applying ".*all\.yaml" \(nothing was written\): ConfigMap "bad" is invalid:\n\* data\[x y\]: Invalid value: a valid config key/m);
  assert.match(r.stderr, /^\* metadata\.name: Invalid value: bad name$/m);
});

void test('apply prints server warnings', async () => {
  const c = new FakeClient();
  c.warnings = ['apps/v1 Deployment sent as apiVersion v1'];
  const dir = writeFiles({ 'd.yaml': deployment() });
  const r = await run(c, ['apply', '-f', join(dir, 'd.yaml')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'deployment.apps/web created\n');
  assert.match(r.stderr, /^Warning: apps\/v1 Deployment sent as apiVersion v1$/m);
});

void test('apply -f - reads stdin; -n sets the namespace of objects without one', async () => {
  const c = new FakeClient();
  const r = await run(c, ['apply', '-f', '-', '-n', 'team'], { stdin: service() });
  assert.equal(r.stdout, 'service/web created\n');
  assert.ok(c.find('svc', 'team', 'web'));
});

void test('apply --dry-run=client writes nothing; server dry run sends dryRun', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 's.yaml': service() });
  let r = await run(c, ['apply', '-f', join(dir, 's.yaml'), '--dry-run=client']);
  assert.equal(r.stdout, 'service/web created (dry run)\n');
  assert.deepEqual(c.writes(), []);
  r = await run(c, ['apply', '-f', join(dir, 's.yaml'), '--dry-run=server']);
  assert.equal(r.stdout, 'service/web created (server dry run)\n');
  assert.deepEqual(c.writes()[0]!.opts, { dryRun: true });
  assert.equal(c.find('svc', 'default', 'web'), undefined);
});

void test('apply -R -f dir applies every manifest of the tree; cluster-scoped objects get no namespace', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 'm/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team\n', 'm/sub/svc.yaml': service() });
  const r = await run(c, ['apply', '-R', '-f', join(dir, 'm')]);
  assert.equal(r.stdout, 'namespace/team created\nservice/web created\n');
  assert.equal(c.find('ns', '', 'team')!.metadata.namespace, undefined);
});

void test('apply prints the warnings of the patch it sends for a changed object', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 'a.yaml': deployment({ replicas: 3 }), 'b.yaml': deployment({ replicas: 5 }) });
  let r = await run(c, ['apply', '-f', join(dir, 'a.yaml')]);
  assert.equal(r.stderr, '');
  c.warnings = ['spec.replicas: something to know'];
  r = await run(c, ['apply', '-f', join(dir, 'b.yaml')]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'deployment.apps/web configured\n');
  assert.equal(r.stderr, 'Warning: spec.replicas: something to know\n');
});
