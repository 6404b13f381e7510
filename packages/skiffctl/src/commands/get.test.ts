import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run, writeFiles } from '../testing/run.js';

const created = '2024-01-01T00:00:00Z';
const cm = (name: string, ns = 'default', labels?: Record<string, string>): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, creationTimestamp: created, ...(labels ? { labels } : {}) },
  data: { k: 'v' },
});
const svc = (name: string, ns = 'default'): KObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, creationTimestamp: created },
  spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', ports: [{ port: 80, protocol: 'TCP' }] },
});

const world = (): FakeClient => new FakeClient({ objects: [cm('a', 'default', { app: 'x' }), cm('b', 'default', { app: 'y' }), cm('c', 'other'), svc('web')] });

interface Case {
  name: string;
  argv: string[];
  stdout: string;
  stderr?: string | RegExp;
  code?: number;
}

const cases: Case[] = [
  { name: 'list in the default namespace', argv: ['get', 'cm'], stdout: 'NAME   DATA   AGE\na      1      60m\nb      1      60m\n' },
  { name: '-n', argv: ['get', 'configmaps', '-n', 'other'], stdout: 'NAME   DATA   AGE\nc      1      60m\n' },
  { name: '-A adds NAMESPACE', argv: ['get', 'cm', '-A'], stdout: 'NAMESPACE   NAME   DATA   AGE\ndefault     a      1      60m\ndefault     b      1      60m\nother       c      1      60m\n' },
  { name: '-l', argv: ['get', 'cm', '-l', 'app=y'], stdout: 'NAME   DATA   AGE\nb      1      60m\n' },
  { name: 'by name', argv: ['get', 'cm', 'b'], stdout: 'NAME   DATA   AGE\nb      1      60m\n' },
  {
    name: 'several types: one table each with kind/name',
    argv: ['get', 'cm,svc'],
    stdout: 'NAME          DATA   AGE\nconfigmap/a   1      60m\nconfigmap/b   1      60m\n\nNAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nservice/web   ClusterIP   10.96.0.1    <none>        80/TCP    60m\n',
  },
  { name: 'TYPE/NAME form', argv: ['get', 'cm/a', 'svc/web', '-o', 'name'], stdout: 'configmap/a\nservice/web\n' },
  { name: '-o name', argv: ['get', 'cm', '-o', 'name'], stdout: 'configmap/a\nconfigmap/b\n' },
  { name: 'empty: kubectl message on stderr', argv: ['get', 'pods'], stdout: '', stderr: 'No resources found in default namespace.\n' },
  { name: 'empty across namespaces', argv: ['get', 'pods', '-A'], stdout: '', stderr: 'No resources found\n' },
  { name: 'empty cluster-scoped', argv: ['get', 'nodes'], stdout: '', stderr: 'No resources found\n' },
  { name: 'not found', argv: ['get', 'cm', 'zzz'], stdout: '', stderr: 'Error from server (NotFound): configmaps "zzz" not found\n', code: 1 },
  { name: 'found and not found: prints what was found, fails', argv: ['get', 'cm', 'a', 'zzz', '-o', 'name'], stdout: 'configmap/a\n', stderr: /NotFound/, code: 1 },
  { name: '--ignore-not-found', argv: ['get', 'cm', 'zzz', '--ignore-not-found'], stdout: '', stderr: '', code: 0 },
  { name: 'unknown resource type', argv: ['get', 'widgets'], stdout: '', stderr: /^error: the server doesn't have a resource type "widgets"$/m, code: 1 },
  { name: 'no resource type', argv: ['get'], stdout: '', stderr: /You must specify the type of resource to get/, code: 1 },
  { name: 'bad output format', argv: ['get', 'cm', '-o', 'xml'], stdout: '', stderr: /unable to match a printer suitable for the output format "xml"/, code: 1 },
  { name: 'name with -A', argv: ['get', 'cm', 'a', '-A'], stdout: '', stderr: /cannot be retrieved by name across all namespaces/, code: 1 },
];

for (const c of cases) {
  void test(`get: ${c.name}`, async () => {
    const r = await run(world(), c.argv);
    assert.equal(r.stdout, c.stdout);
    if (typeof c.stderr === 'string') assert.equal(r.stderr, c.stderr);
    else if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.equal(r.code, c.code ?? 0);
  });
}

void test('get -o yaml: one named object is the object, a list is a List', async () => {
  const one = parse((await run(world(), ['get', 'cm', 'a', '-o', 'yaml'])).stdout) as KObject;
  assert.equal(one.kind, 'ConfigMap');
  assert.equal(one.metadata.name, 'a');
  const many = parse((await run(world(), ['get', 'cm', '-o', 'yaml'])).stdout) as { kind: string; items: KObject[] };
  assert.equal(many.kind, 'List');
  assert.deepEqual(many.items.map((i) => i.metadata.name), ['a', 'b']);
  const json = JSON.parse((await run(world(), ['get', 'svc', 'web', '-o', 'json'])).stdout) as KObject;
  assert.equal(json.metadata.name, 'web');
});

void test('get -o yaml quotes timestamps and YAML 1.1 look-alikes as kubectl does', async () => {
  const client = new FakeClient({ objects: [cm('q', 'default', { on: 'yes', mode: '0755', when: '2026-12-03', plain: 'web' })] });
  const r = await run(client, ['get', 'cm', 'q', '-o', 'yaml']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  const cases = [
    { name: 'creationTimestamp', line: `  creationTimestamp: "${created}"` },
    { name: 'a boolean look-alike, key and value', line: '    "on": "yes"' },
    { name: 'an octal look-alike', line: '    mode: "0755"' },
    { name: 'a date look-alike', line: '    when: "2026-12-03"' },
    { name: 'a plain string stays plain', line: '    plain: web' },
  ];
  for (const c of cases) assert.ok(lines.includes(c.line), `${c.name}: no line ${JSON.stringify(c.line)} in\n${r.stdout}`);
  // A YAML 1.1 reader (what PyYAML and go-yaml v2 are) reads every value back as the same string.
  const back = parse(r.stdout, { version: '1.1' }) as KObject;
  assert.equal(back.metadata.creationTimestamp, created);
  assert.deepEqual(back.metadata.labels, { on: 'yes', mode: '0755', when: '2026-12-03', plain: 'web' });
});

void test('get lists in pages of --chunk-size', async () => {
  const c = world();
  const r = await run(c, ['get', 'cm', '-A', '--chunk-size', '1', '-o', 'name']);
  assert.equal(r.stdout, 'configmap/a\nconfigmap/b\nconfigmap/c\n');
  const lists = c.calls.filter((x) => x.verb === 'list');
  assert.equal(lists.length, 3);
  assert.deepEqual(lists.map((l) => (l.opts as { limit: number }).limit), [1, 1, 1]);
});

void test('get -f reads the objects the manifests name', async () => {
  const dir = writeFiles({ 'x.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
  const r = await run(world(), ['get', '-f', join(dir, 'x.yaml'), '-o', 'name']);
  assert.equal(r.stdout, 'service/web\nconfigmap/a\n');
});

/** Resolves once the command has opened its watch. */
async function watching(c: FakeClient): Promise<void> {
  while (c.watchCount() === 0) await new Promise((r) => setTimeout(r, 5));
}

void test('get -w prints the list, then a row per change, until interrupted', async () => {
  const c = world();
  const listRV = c.resourceVersion();
  const ac = new AbortController();
  const p = run(c, ['get', 'cm', '-w'], { signal: ac.signal });
  await watching(c);
  await c.patch('configmaps', 'default', 'a', { data: { k2: 'v2' } });
  await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  const r = await p;
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'NAME   DATA   AGE\na      1      60m\nb      1      60m\na      2      60m\n');
  const w = c.calls.find((x) => x.verb === 'watch')!;
  assert.equal((w.opts as { resourceVersion: string }).resourceVersion, listRV);
});

void test('get --watch-only prints only changes, with a header first', async () => {
  const c = world();
  const ac = new AbortController();
  const p = run(c, ['get', 'cm', 'b', '--watch-only'], { signal: ac.signal });
  await watching(c);
  await c.delete('configmaps', 'default', 'a');
  await c.delete('configmaps', 'default', 'b');
  await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  const r = await p;
  assert.equal(r.stdout, 'NAME   DATA   AGE\nb      1      60m\n');
  const w = c.calls.find((x) => x.verb === 'watch')!;
  assert.equal((w.opts as { fieldSelector: string }).fieldSelector, 'metadata.name=b');
});
