import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run, writeFiles } from '../testing/run.js';

const deploy = (name: string, labels: Record<string, string> = {}): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', labels },
  spec: { selector: { matchLabels: { app: name } }, template: { spec: { containers: [{ name: 'c', image: 'x' }] } } },
});

const world = (): FakeClient => new FakeClient({ objects: [deploy('web', { tier: 'fe' }), deploy('api', { tier: 'be' }), deploy('db', { tier: 'be' })] });

interface Case {
  name: string;
  argv: string[];
  stdout: string;
  stderr?: RegExp;
  code?: number;
  left: string[];
  opts?: Record<string, unknown>;
  /** The options of the one DeleteCollection call a selector or --all makes. */
  collection?: Record<string, unknown>;
}

const cases: Case[] = [
  { name: 'by name', argv: ['delete', 'deploy', 'web'], stdout: 'deployment.apps "web" deleted\n', left: ['api', 'db'], opts: { propagationPolicy: 'Background' } },
  { name: 'several names', argv: ['delete', 'deployment', 'web', 'api'], stdout: 'deployment.apps "web" deleted\ndeployment.apps "api" deleted\n', left: ['db'] },
  { name: 'TYPE/NAME', argv: ['delete', 'deploy/db'], stdout: 'deployment.apps "db" deleted\n', left: ['api', 'web'] },
  {
    name: '-l',
    argv: ['delete', 'deploy', '-l', 'tier=be'],
    stdout: 'deployment.apps "api" deleted\ndeployment.apps "db" deleted\n',
    left: ['web'],
    collection: { namespace: 'default', labelSelector: 'tier=be', propagationPolicy: 'Background' },
  },
  {
    name: '--all',
    argv: ['delete', 'deploy', '--all'],
    stdout: 'deployment.apps "api" deleted\ndeployment.apps "db" deleted\ndeployment.apps "web" deleted\n',
    left: [],
    collection: { namespace: 'default', propagationPolicy: 'Background' },
  },
  {
    name: '--all -A --field-selector',
    argv: ['delete', 'deploy', '--all', '-A', '--field-selector', 'metadata.name!=web'],
    stdout: 'deployment.apps "api" deleted\ndeployment.apps "db" deleted\n',
    left: ['web'],
    collection: { namespace: '', fieldSelector: 'metadata.name!=web', propagationPolicy: 'Background' },
  },
  {
    name: '-l --cascade=orphan --grace-period=5',
    argv: ['delete', 'deploy', '-l', 'tier=fe', '--cascade=orphan', '--grace-period=5'],
    stdout: 'deployment.apps "web" deleted\n',
    left: ['api', 'db'],
    collection: { namespace: 'default', labelSelector: 'tier=fe', propagationPolicy: 'Orphan', gracePeriodSeconds: 5 },
  },
  {
    name: '-l --dry-run=server',
    argv: ['delete', 'deploy', '-l', 'tier=be', '--dry-run=server', '--cascade=foreground'],
    stdout: 'deployment.apps "api" deleted (server dry run)\ndeployment.apps "db" deleted (server dry run)\n',
    left: ['api', 'db', 'web'],
    collection: { namespace: 'default', labelSelector: 'tier=be', propagationPolicy: 'Foreground', dryRun: true },
  },
  {
    name: '-l --dry-run=client lists only',
    argv: ['delete', 'deploy', '-l', 'tier=be', '--dry-run=client', '-o', 'name'],
    stdout: 'deployment.apps/api\ndeployment.apps/db\n',
    left: ['api', 'db', 'web'],
  },
  { name: 'not found', argv: ['delete', 'deploy', 'nope'], stdout: '', stderr: /^Error from server \(NotFound\): deployments\.apps "nope" not found$/m, code: 1, left: ['api', 'db', 'web'] },
  { name: '--ignore-not-found', argv: ['delete', 'deploy', 'nope', '--ignore-not-found'], stdout: '', left: ['api', 'db', 'web'] },
  { name: 'no name', argv: ['delete', 'deploy'], stdout: '', stderr: /resource\(s\) were provided, but no name was specified/, code: 1, left: ['api', 'db', 'web'] },
  { name: 'selector matches nothing', argv: ['delete', 'deploy', '-l', 'tier=zz'], stdout: '', stderr: /No resources found/, left: ['api', 'db', 'web'],
    collection: { namespace: 'default', labelSelector: 'tier=zz', propagationPolicy: 'Background' } },
  {
    name: '--cascade=foreground --grace-period=0',
    argv: ['delete', 'deploy', 'web', '--cascade=foreground', '--grace-period=0'],
    stdout: 'deployment.apps "web" deleted\n',
    left: ['api', 'db'],
    opts: { propagationPolicy: 'Foreground', gracePeriodSeconds: 0 },
  },
  { name: '--cascade=orphan', argv: ['delete', 'deploy', 'web', '--cascade=orphan'], stdout: 'deployment.apps "web" deleted\n', left: ['api', 'db'], opts: { propagationPolicy: 'Orphan' } },
  { name: 'bad --cascade', argv: ['delete', 'deploy', 'web', '--cascade=never'], stdout: '', stderr: /invalid cascade value \(never\)/, code: 1, left: ['api', 'db', 'web'] },
  { name: '-o name', argv: ['delete', 'deploy', 'web', '-o', 'name'], stdout: 'deployment.apps/web\n', left: ['api', 'db'] },
  { name: '--dry-run=client', argv: ['delete', 'deploy', 'web', '--dry-run=client'], stdout: 'deployment.apps "web" deleted (dry run)\n', left: ['api', 'db', 'web'] },
];

for (const c of cases) {
  void test(`delete: ${c.name}`, async () => {
    const client = world();
    const r = await run(client, c.argv);
    assert.equal(r.stdout, c.stdout);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    assert.equal(r.code, c.code ?? 0);
    // Foreground and Orphan deletions leave the object marked (deletionTimestamp) for the garbage collector.
    const left = (await client.list('deployments')).items.filter((o) => !o.metadata.deletionTimestamp).map((o) => o.metadata.name).sort();
    assert.deepEqual(left, c.left);
    if (c.opts) assert.deepEqual(client.calls.find((x) => x.verb === 'delete')!.opts, c.opts);
    const collections = client.calls.filter((x) => x.verb === 'deleteCollection');
    assert.deepEqual(
      collections.map((x) => x.opts),
      c.collection ? [c.collection] : [],
    );
    if (c.collection) assert.equal(client.calls.filter((x) => x.verb === 'delete').length, 0, 'no per-object deletes');
  });
}

void test('delete -f deletes what the manifests name', async () => {
  const client = world();
  const dir = writeFiles({ 'd.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n' });
  const r = await run(client, ['delete', '-f', join(dir, 'd.yaml')]);
  assert.equal(r.stdout, 'deployment.apps "web" deleted\n');
  assert.equal(client.find('deploy', 'default', 'web'), undefined);
});
