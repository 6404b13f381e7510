// Server reflection as a strict client in another language sees it: Python's grpcio and protobuf's
// own DescriptorPool (test/python/reflection_check.py) list the services, fetch every file by name
// and by symbol, load them all into a fresh pool and call the API with the reflected descriptors.
// Each served file is also compared with what protoc itself makes of the same source.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protoDir } from '@skiff/api';
import { startCluster, type TestCluster } from '../harness/apiserver.js';
import { PROTOBUF_INCLUDE, PYTHON, protocPython, repoRoot, runCommand } from '../harness/python.js';

const require = createRequire(import.meta.url);
const script = join(repoRoot, 'test/python/reflection_check.py');
const skiffFiles = ['skiff/v1/api.proto', 'skiff/v1/meta.proto', 'skiff/v1/core.proto', 'skiff/v1/apps.proto', 'skiff/v1/coordination.proto', 'skiff/v1/scheduling.proto', 'skiff/v1/streams.proto'];

interface Summary {
  services: string[];
  files: string[];
  symbols: number;
  methods: string[];
  got: string;
  sameAsProtoc: string[];
  differentFromProtoc: Record<string, string>;
}

describe('server reflection with a strict client (Python grpcio + protobuf DescriptorPool)', () => {
  let cluster: TestCluster;
  let dir: string;
  let protocSet: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-reflection-'));
    cluster = await startCluster();
    // The reflection messages for the client, under names that do not collide with the grpc package.
    const src = join(dir, 'src');
    mkdirSync(src);
    for (const v of ['v1', 'v1alpha']) copyFileSync(require.resolve(`@grpc/reflection/build/proto/grpc/reflection/${v}/reflection.proto`), join(src, `reflection_${v}.proto`));
    await protocPython(dir, [src], ['reflection_v1.proto', 'reflection_v1alpha.proto']);
    protocSet = join(dir, 'protoc.pb');
    const pc = await runCommand('protoc', [`-I${protoDir()}`, `-I${PROTOBUF_INCLUDE}`, '--include_imports', `--descriptor_set_out=${protocSet}`, 'skiff/v1/api.proto', 'google/rpc/status.proto']);
    assert.equal(pc.code, 0, pc.stderr);
  });
  after(async () => {
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases = [
    { name: 'grpc.reflection.v1 (grpcurl, current clients)', version: 'v1' },
    { name: 'grpc.reflection.v1alpha (older clients)', version: 'v1alpha' },
  ];
  for (const c of cases) {
    it(`${c.name}: every file by name and by symbol loads into a fresh pool`, async () => {
      const r = await runCommand(PYTHON, [script, cluster.server.address, c.version, protocSet], { env: { PYTHONPATH: dir } });
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout) as Summary;
      assert.deepEqual(s.services, ['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection', 'skiff.v1.Resources']);
      for (const f of [...skiffFiles, 'google/rpc/status.proto', 'google/protobuf/any.proto', 'grpc/health/v1/health.proto']) {
        assert.ok(s.files.includes(f), `${f} not served (served: ${s.files.join(', ')})`);
      }
      assert.ok(s.symbols > 100, `only ${s.symbols} symbols`);
      for (const m of ['Create', 'Get', 'List', 'Update', 'UpdateStatus', 'Patch', 'Delete', 'Watch', 'Bind', 'Discovery', 'PodLogs', 'PodExec', 'PodPortForward', 'TopPods', 'TopNodes']) assert.ok(s.methods.includes(m), `method ${m} missing`);
      // What protoc makes of proto/ is what is served, file by file.
      assert.deepEqual(s.differentFromProtoc, {});
      assert.deepEqual(s.sameAsProtoc, ['google/protobuf/any.proto', 'google/rpc/status.proto', ...skiffFiles].sort());
      assert.equal(s.got, 'default');
    });
  }

});
