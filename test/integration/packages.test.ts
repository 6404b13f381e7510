// The library packages work when installed on their own: `npm pack` of @skiff/api and
// @skiff/machinery, the tarballs unpacked into a node_modules of a temp dir outside the repository
// (third-party dependencies linked from the workspace's node_modules), and a program there loads the
// API's proto files from the installed @skiff/api and round-trips a Pod through machinery's codec.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const root = new URL('../../..', import.meta.url).pathname;

function protoFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? protoFiles(p, base) : [relative(base, p)];
  });
}

const program = `
import { protoDir, protoRoot, protoType, resourceTypes } from '@skiff/api';
import { codecFor, resourcesServiceDefinition } from '@skiff/machinery';
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
const codec = codecFor('skiff.v1.Object');
console.log(JSON.stringify({
  protoDir: protoDir(),
  services: protoRoot().lookupService('skiff.v1.Resources').methodsArray.map((m) => m.name),
  kinds: resourceTypes.map((t) => protoType(t.protoType).name),
  methods: Object.keys(resourcesServiceDefinition()),
  pod: codec.decode(codec.encode(pod)),
}));
`;

describe('the library packages, installed on their own', () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-pack-'));
    await exec('npm', ['pack', '--workspace', 'packages/api', '--workspace', 'packages/machinery', '--pack-destination', dir, '--silent'], { cwd: root });
    const modules = join(dir, 'node_modules');
    for (const [name, tarball] of [
      ['api', 'skiff-api-0.1.0.tgz'],
      ['machinery', 'skiff-machinery-0.1.0.tgz'],
    ] as const) {
      const into = join(modules, '@skiff', name);
      mkdirSync(into, { recursive: true });
      await exec('tar', ['-xzf', join(dir, tarball), '-C', into, '--strip-components=1']);
    }
    // Third-party packages from the workspace; never its @skiff links.
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (name === '@skiff' || name.startsWith('.')) continue;
      symlinkSync(join(root, 'node_modules', name), join(modules, name));
    }
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(dir, 'main.js'), program);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('@skiff/api ships the proto files of the repository and reads its own copy', async () => {
    const env = { ...process.env };
    delete env.SKIFF_PROTO_DIR;
    const { stdout } = await exec(process.execPath, [join(dir, 'main.js')], { cwd: dir, env });
    const out = JSON.parse(stdout) as { protoDir: string; services: string[]; kinds: string[]; methods: string[]; pod: { metadata: { name: string } } };
    const installed = join(dir, 'node_modules/@skiff/api/proto');
    assert.equal(out.protoDir, installed);
    assert.deepEqual(protoFiles(installed).sort(), protoFiles(join(root, 'proto')).sort());
    assert.ok(out.services.includes('Create') && out.services.includes('Watch'), out.services.join(' '));
    assert.ok(out.kinds.includes('Pod') && out.kinds.includes('Deployment'), out.kinds.join(' '));
    assert.deepEqual(out.methods.sort(), [...out.services].sort());
    assert.equal(out.pod.metadata.name, 'web');
  });
});
