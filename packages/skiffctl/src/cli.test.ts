import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run, writeFiles } from './testing/run.js';

void test('version prints client and server versions', async () => {
  const r = await run(new FakeClient(), ['version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Client Version: v\d+\.\d+\.\d+\nServer Version: v0\.1\.0-fake\n$/);
});

void test('version --client does not call the server', async () => {
  const c = new FakeClient();
  const r = await run(c, ['version', '--client', '-o', 'json']);
  assert.equal(r.code, 0);
  assert.match(JSON.parse(r.stdout).clientVersion.gitVersion, /^v/);
  assert.deepEqual(c.calls, []);
});

void test('cluster-info names the server from the config file', async () => {
  const home = writeFiles({ '.skiff/config': 'server: 10.1.2.3:6443\n' });
  const r = await run(new FakeClient(), ['cluster-info'], { home });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Skiff control plane is running at 10\.1\.2\.3:6443$/m);
});

void test('cluster-info fails when the server does not answer', async () => {
  const c = new FakeClient();
  c.discovery = async () => {
    throw new ApiError('UNAVAILABLE', 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:6443');
  };
  const r = await run(c, ['cluster-info', '--server', '127.0.0.1:6443']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The connection to the server 127\.0\.0\.1:6443 was refused/);
});

void test('api-resources lists the served types', async () => {
  const r = await run(new FakeClient(), ['api-resources']);
  assert.equal(r.code, 0);
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, /^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND$/);
  assert.ok(lines.some((l) => /^pods +po +v1 +true +Pod$/.test(l)));
  assert.ok(lines.some((l) => /^deployments +deploy +apps\/v1 +true +Deployment$/.test(l)));
  const cluster = await run(new FakeClient(), ['api-resources', '--namespaced=false', '-o', 'name']);
  assert.equal(cluster.stdout, 'namespaces\nnodes\npriorityclasses.scheduling.k8s.io\n');
});

const usage: { name: string; argv: string[]; match: RegExp }[] = [
  { name: 'unknown flag', argv: ['get', 'pods', '--bogus'], match: /^error: Unknown argument: bogus\nSee 'skiffctl get --help' for usage\.$/m },
  { name: 'unknown command', argv: ['frobnicate'], match: /Unknown argument: frobnicate/ },
  { name: 'no command', argv: [], match: /You must specify a command/ },
  { name: 'apply without -f', argv: ['apply'], match: /must specify one of -f/ },
  { name: 'bad --dry-run', argv: ['apply', '-f', 'x', '--dry-run=maybe'], match: /Invalid dry-run value \(maybe\)/ },
];
for (const u of usage) {
  void test(`usage error exits 1: ${u.name}`, async () => {
    const r = await run(new FakeClient(), u.argv);
    assert.equal(r.code, 1);
    assert.match(r.stderr, u.match);
  });
}

void test('--help exits 0 and lists the commands', async () => {
  const r = await run(new FakeClient(), ['--help']);
  assert.equal(r.code, 0);
  for (const c of ['apply', 'create', 'get', 'describe', 'delete', 'version', 'cluster-info', 'api-resources']) assert.match(r.stdout, new RegExp(`skiffctl ${c}`));
});

void test('create -f: AlreadyExists for a present object; --save-config records the manifest', async () => {
  const c = new FakeClient();
  const dir = writeFiles({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
  let r = await run(c, ['create', '-f', `${dir}/cm.yaml`]);
  assert.equal(r.stdout, 'configmap/a created\n');
  assert.equal(c.find('cm', 'default', 'a')!.metadata.annotations, undefined);
  r = await run(c, ['create', '-f', `${dir}/cm.yaml`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^Error from server \(AlreadyExists\): error when creating ".*cm\.yaml": configmaps "a" already exists$/m);
  const c2 = new FakeClient();
  await run(c2, ['create', '--save-config', '-f', `${dir}/cm.yaml`]);
  assert.ok(c2.find('cm', 'default', 'a')!.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']);
});
