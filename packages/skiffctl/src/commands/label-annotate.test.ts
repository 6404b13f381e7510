import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../testing/run.js';

const pod = (name: string, labels: Record<string, string>, annotations: Record<string, string> = {}): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', labels, annotations },
  spec: { containers: [{ name: 'c', image: 'x' }] },
});

interface Case {
  name: string;
  argv: string[];
  stdout: string;
  stderr?: RegExp;
  code?: number;
  /** pod name -> expected labels (or annotations for annotate cases). */
  after: Record<string, Record<string, string>>;
  field?: 'labels' | 'annotations';
}

const cases: Case[] = [
  { name: 'add', argv: ['label', 'pods', 'a', 'env=prod'], stdout: 'pod/a labeled\n', after: { a: { app: 'web', env: 'prod' }, b: { app: 'db' } } },
  { name: 'TYPE/NAME, add two', argv: ['label', 'pod/a', 'x=1', 'y=2'], stdout: 'pod/a labeled\n', after: { a: { app: 'web', x: '1', y: '2' }, b: { app: 'db' } } },
  { name: 'remove', argv: ['label', 'pod/a', 'app-'], stdout: 'pod/a unlabeled\n', after: { a: {}, b: { app: 'db' } } },
  { name: 'remove a missing key', argv: ['label', 'pod/a', 'nope-'], stdout: 'label "nope" not found.\npod/a not labeled\n', after: { a: { app: 'web' }, b: { app: 'db' } } },
  { name: 'same value is not a change', argv: ['label', 'pod/a', 'app=web'], stdout: 'pod/a not labeled\n', after: { a: { app: 'web' }, b: { app: 'db' } } },
  {
    name: 'change needs --overwrite',
    argv: ['label', 'pod/a', 'app=api'],
    stdout: '',
    stderr: /^error: 'app' already has a value \(web\), and --overwrite is false\n$/,
    code: 1,
    after: { a: { app: 'web' }, b: { app: 'db' } },
  },
  { name: '--overwrite', argv: ['label', 'pod/a', 'app=api', '--overwrite'], stdout: 'pod/a labeled\n', after: { a: { app: 'api' }, b: { app: 'db' } } },
  { name: '--all', argv: ['label', 'pods', '--all', 'team=x'], stdout: 'pod/a labeled\npod/b labeled\n', after: { a: { app: 'web', team: 'x' }, b: { app: 'db', team: 'x' } } },
  { name: '-l', argv: ['label', 'pods', '-l', 'app=db', 'team=x'], stdout: 'pod/b labeled\n', after: { a: { app: 'web' }, b: { app: 'db', team: 'x' } } },
  { name: 'no change given', argv: ['label', 'pod/a'], stdout: '', stderr: /^error: at least one label update is required\n/, code: 1, after: { a: { app: 'web' }, b: { app: 'db' } } },
  { name: 'set and remove the same key', argv: ['label', 'pod/a', 'x=1', 'x-'], stdout: '', stderr: /can not both modify and remove the following label\(s\) in the same command: x/, code: 1, after: { a: { app: 'web' }, b: { app: 'db' } } },
  { name: 'name and selector', argv: ['label', 'pods', 'a', '-l', 'app=web', 'x=1'], stdout: '', stderr: /^error: name cannot be provided when a selector is specified\n/, code: 1, after: { a: { app: 'web' }, b: { app: 'db' } } },
  { name: 'a bad value is refused by the server', argv: ['label', 'pod/a', 'x=not valid'], stdout: '', stderr: /^Error from server \(Invalid\): .*metadata\.labels/, code: 1, after: { a: { app: 'web' }, b: { app: 'db' } } },
  { name: 'dry run', argv: ['label', 'pod/a', 'x=1', '--dry-run=client'], stdout: 'pod/a labeled (dry run)\n', after: { a: { app: 'web' }, b: { app: 'db' } } },
  { name: 'annotate', argv: ['annotate', 'pod/a', 'note=hello world'], stdout: 'pod/a annotated\n', field: 'annotations', after: { a: { owner: 'me', note: 'hello world' }, b: {} } },
  { name: 'annotate remove', argv: ['annotate', 'pod/a', 'owner-'], stdout: 'pod/a annotated\n', field: 'annotations', after: { a: {}, b: {} } },
  {
    name: 'annotate change needs --overwrite',
    argv: ['annotate', 'pod/a', 'owner=you'],
    stdout: '',
    stderr: /^error: --overwrite is false but found the following declared annotation\(s\): 'owner' already has a value \(me\)\n$/,
    code: 1,
    field: 'annotations',
    after: { a: { owner: 'me' }, b: {} },
  },
  { name: 'annotate --overwrite', argv: ['annotate', 'pod/a', 'owner=you', '--overwrite'], stdout: 'pod/a annotated\n', field: 'annotations', after: { a: { owner: 'you' }, b: {} } },
];

for (const c of cases) {
  test(`label/annotate: ${c.name}`, async () => {
    const client = new FakeClient({ objects: [pod('a', { app: 'web' }, { owner: 'me' }), pod('b', { app: 'db' })] });
    const r = await run(client, c.argv);
    assert.equal(r.stdout, c.stdout, r.stderr);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.equal(r.code, c.code ?? 0);
    for (const [name, want] of Object.entries(c.after)) assert.deepEqual(client.find('pods', 'default', name)?.metadata[c.field ?? 'labels'] ?? {}, want, name);
  });
}
