import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { parse } from 'yaml';
import { run, writeFiles } from '../testing/run.js';

const dir = writeFiles({
  'conf/app.properties': 'a=1\nb=2\n',
  'conf/other.txt': 'hello',
  'bin.dat': '',
  'env/app.env': '# comment\n\nUSER=admin\n  PASS=s3cr=t\nFROM_ENV\n',
});
// A file that is not UTF-8 goes to binaryData.
writeFileSync(join(dir, 'bin.dat'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
const b64 = (s: string): string => Buffer.from(s).toString('base64');

interface Case {
  name: string;
  argv: string[];
  stdout: string;
  stderr?: RegExp;
  code?: number;
  /** The stored object (fields compared), or undefined when nothing may be created. */
  created?: { resource: string; name: string; fields: Record<string, unknown> };
  env?: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'configmap --from-literal',
    argv: ['create', 'configmap', 'cfg', '--from-literal', 'a=1', '--from-literal=b=x=y'],
    stdout: 'configmap/cfg created\n',
    created: { resource: 'configmaps', name: 'cfg', fields: { data: { a: '1', b: 'x=y' } } },
  },
  {
    name: 'configmap --from-file: a file, a key=file, a directory, a binary file',
    argv: ['create', 'configmap', 'files', `--from-file=${join(dir, 'conf/app.properties')}`, `--from-file=greeting=${join(dir, 'conf/other.txt')}`, `--from-file=${join(dir, 'bin.dat')}`],
    stdout: 'configmap/files created\n',
    created: { resource: 'configmaps', name: 'files', fields: { data: { 'app.properties': 'a=1\nb=2\n', greeting: 'hello' }, binaryData: { 'bin.dat': '//4AAQ==' } } },
  },
  {
    name: 'configmap --from-file of a directory',
    argv: ['create', 'configmap', 'dir', `--from-file=${join(dir, 'conf')}`],
    stdout: 'configmap/dir created\n',
    created: { resource: 'configmaps', name: 'dir', fields: { data: { 'app.properties': 'a=1\nb=2\n', 'other.txt': 'hello' } } },
  },
  {
    name: 'configmap --from-env-file (a bare KEY from the environment)',
    argv: ['create', 'configmap', 'env', `--from-env-file=${join(dir, 'env/app.env')}`],
    env: { FROM_ENV: 'yes' },
    stdout: 'configmap/env created\n',
    created: { resource: 'configmaps', name: 'env', fields: { data: { USER: 'admin', PASS: 's3cr=t', FROM_ENV: 'yes' } } },
  },
  { name: 'configmap duplicate key', argv: ['create', 'configmap', 'dup', '--from-literal=a=1', '--from-literal=a=2'], stdout: '', stderr: /^error: cannot add key "a", another key by that name already exists in Data for ConfigMap "dup"\n$/, code: 1 },
  { name: 'configmap bad literal', argv: ['create', 'configmap', 'bad', '--from-literal=novalue'], stdout: '', stderr: /^error: invalid literal source novalue, expected key=value\n$/, code: 1 },
  { name: 'configmap bad key', argv: ['create', 'configmap', 'bad', '--from-literal=a b=1'], stdout: '', stderr: /^error: "a b" is not a valid key name for a ConfigMap: a valid config key must consist of/, code: 1 },
  { name: 'configmap missing file', argv: ['create', 'configmap', 'bad', '--from-file=/nonexistent/x'], stdout: '', stderr: /^error: error reading \/nonexistent\/x: no such file or directory\n$/, code: 1 },
  {
    name: 'secret generic: data base64, type Opaque',
    argv: ['create', 'secret', 'generic', 's', '--from-literal=user=admin', `--from-file=${join(dir, 'conf/other.txt')}`],
    stdout: 'secret/s created\n',
    created: { resource: 'secrets', name: 's', fields: { type: 'Opaque', data: { user: b64('admin'), 'other.txt': b64('hello') } } },
  },
  { name: 'secret generic --type', argv: ['create', 'secret', 'generic', 't', '--from-literal=k=v', '--type=example.com/token'], stdout: 'secret/t created\n', created: { resource: 'secrets', name: 't', fields: { type: 'example.com/token' } } },
  {
    name: 'deployment',
    argv: ['create', 'deployment', 'web', '--image=registry.local/team/my_app:1.2', '--replicas=3', '--port=8080'],
    stdout: 'deployment.apps/web created\n',
    created: {
      resource: 'deployments',
      name: 'web',
      fields: { metadata: { labels: { app: 'web' } }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'my-app', image: 'registry.local/team/my_app:1.2', ports: [{ containerPort: 8080 }] }] } } } },
    },
  },
  {
    name: 'deployment with two images',
    argv: ['create', 'deployment', 'two', '--image=nginx', '--image=nginx@sha256:abc'],
    stdout: 'deployment.apps/two created\n',
    created: { resource: 'deployments', name: 'two', fields: { spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx' }, { name: 'nginx-2', image: 'nginx@sha256:abc' }] } } } } },
  },
  { name: 'deployment without --image', argv: ['create', 'deployment', 'x'], stdout: '', stderr: /^error: required flag\(s\) "image" not set\n/, code: 1 },
  { name: 'existing name', argv: ['create', 'configmap', 'taken', '--from-literal=a=1'], stdout: '', stderr: /^Error from server \(AlreadyExists\): configmaps "taken" already exists\n$/, code: 1 },
];

/** `want`'s fields are found in `got` (objects compared key by key, arrays element-wise). */
function contains(got: unknown, want: unknown, path = ''): void {
  if (want !== null && typeof want === 'object') {
    if (Array.isArray(want)) {
      assert.ok(Array.isArray(got), `${path} is an array`);
      assert.equal((got as unknown[]).length, want.length, `${path} length`);
      want.forEach((w, i) => contains((got as unknown[])[i], w, `${path}[${i}]`));
    } else {
      for (const [k, w] of Object.entries(want)) contains((got as Record<string, unknown>)?.[k], w, `${path}.${k}`);
    }
    return;
  }
  assert.deepEqual(got, want, path);
}

for (const c of cases) {
  test(`create generators: ${c.name}`, async () => {
    const client = new FakeClient({ objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'taken', namespace: 'default' } } as KObject] });
    const r = await run(client, c.argv, c.env ? { env: c.env } : {});
    assert.equal(r.stdout, c.stdout, r.stderr);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.equal(r.code, c.code ?? 0);
    if (c.created) contains(client.find(c.created.resource, 'default', c.created.name), c.created.fields);
    else assert.ok(client.writes().every((w) => w.name === 'taken'), 'nothing else was written');
    assert.equal((client.find('configmaps', 'default', 'taken') as { data?: unknown }).data, undefined);
  });
}

test('create generators: --dry-run=client -o yaml prints the object and writes nothing', async () => {
  const client = new FakeClient();
  const r = await run(client, ['create', 'deployment', 'web', '--image=nginx', '--dry-run=client', '-o', 'yaml', '-n', 'team']);
  assert.equal(r.code, 0, r.stderr);
  const obj = parse(r.stdout) as KObject;
  assert.equal(obj.kind, 'Deployment');
  assert.equal(obj.metadata.namespace, 'team');
  assert.deepEqual(client.writes(), []);
});
