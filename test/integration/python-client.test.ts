// The Python client recipe of docs/api.md ("A client in Python"), run exactly as written: its sh
// blocks generate the code from proto/ with protoc, its python blocks (one program) create a
// ConfigMap and a Deployment, read them back in both JSON forms and decode a validation error's
// google.rpc.Status; the output must be the one the section shows.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protoDir } from '@skiff/api';
import { startCluster, type TestCluster } from '../harness/apiserver.js';
import { fencedBlocks, PYTHON, repoRoot, runCommand } from '../harness/python.js';

const SECTION = '## A client in Python';

describe('docs/api.md: the Python client recipe', () => {
  let cluster: TestCluster;
  let dir: string;
  const blocks = fencedBlocks(readFileSync(join(repoRoot, 'docs/api.md'), 'utf8'), SECTION);
  const of = (lang: string): string[] => blocks.filter((b) => b.lang === lang).map((b) => b.code);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-python-client-'));
    symlinkSync(protoDir(), join(dir, 'proto'));
    cluster = await startCluster();
  });
  after(async () => {
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has the blocks the test runs', () => {
    assert.equal(of('sh').length, 1);
    assert.ok(of('python').length >= 3);
    assert.equal(of('text').length, 1);
  });

  it('generates the client with the documented commands', async () => {
    const r = await runCommand('bash', ['-euo', 'pipefail', '-c', of('sh').join('\n')], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  });

  it('runs and prints the documented output', async () => {
    writeFileSync(join(dir, 'recipe.py'), of('python').join('\n\n'));
    const r = await runCommand(PYTHON, ['recipe.py'], { cwd: dir, env: { SKIFF_SERVER: cluster.server.address } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, of('text')[0]);
    // What the recipe created is really there, as the TypeScript client reads it.
    const dep = await cluster.client.get('deployments', 'default', 'web');
    assert.deepEqual((dep as unknown as { spec: { strategy: unknown } }).spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: '50%', maxUnavailable: 0 } });
  });
});
