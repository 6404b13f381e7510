// The agent as the cluster, the units and the compose images run it: its bundle (scripts/bundle.mjs).
// dockerode stays outside the bundle, and what it loads for ssh hosts and BuildKit sessions must
// still wait for first use there (defer-dockerode-extras.ts): an import of dockerode in the bundle
// would run before main deferred them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('./main.bundle.js', import.meta.url)); // beside this test's compiled file

void describe('the agent bundle', () => {
  void it('loads dockerode without its ssh transport and BuildKit session', () => {
    assert.ok(existsSync(bundle), `${bundle} is missing: npm run build makes it`);
    const dir = mkdtempSync(join(tmpdir(), 'skiff-agent-bundle-'));
    try {
      // at exit, the CommonJS modules the process loaded
      const report = join(dir, 'report.cjs');
      writeFileSync(report, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'loaded.json'))}, JSON.stringify(Object.keys(require.cache))));\n`);
      // no engine at that socket: the agent makes its docker client, asks the engine's version, fails
      const r = spawnSync(process.execPath, ['--require', report, bundle, '--server', '127.0.0.1:1', '--node-name', 'bundle-test', '--docker-host', `unix://${join(dir, 'none.sock')}`, '--health-port', '-1'], { encoding: 'utf8', timeout: 60_000 });
      assert.notEqual(r.status, 0, 'the agent cannot run without an engine');
      const reported = join(dir, 'loaded.json');
      assert.ok(existsSync(reported), `the process did not report its modules: ${r.stderr.slice(-500)}`);
      const loaded = (JSON.parse(readFileSync(reported, 'utf8')) as string[]).map((f) => f.replace(/.*node_modules\//, ''));
      assert.ok(loaded.some((f) => f.startsWith('dockerode/')), `dockerode loaded (${r.stderr.slice(-500)})`);
      assert.deepEqual(loaded.filter((f) => f.startsWith('ssh2/') || f.startsWith('@grpc/') || f.startsWith('protobufjs/')), [], 'nothing of ssh2, grpc-js or protobufjs from node_modules');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
