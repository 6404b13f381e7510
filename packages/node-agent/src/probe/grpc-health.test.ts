import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import type { Pod, Probe } from '@skiff/api';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { runHandler } from './handler.js';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [] } };

async function listen(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))));
}

void describe('gRPC probes against real in-process gRPC servers', () => {
  const servers: grpc.Server[] = [];
  let healthy = 0;
  let bare = 0;
  let slow = 0;
  let closed = 0;
  const agents: string[] = [];
  const runtime = new FakeRuntime();

  before(async () => {
    const health = new grpc.Server();
    new HealthImplementation({ '': 'SERVING', 'skiff.Up': 'SERVING', 'skiff.Down': 'NOT_SERVING' }).addToServer(health);
    healthy = await listen(health);
    const none = new grpc.Server(); // serves nothing: Health/Check is unimplemented
    bare = await listen(none);
    const late = new grpc.Server();
    late.addService(healthService as unknown as grpc.ServiceDefinition, {
      check: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        agents.push(String(call.metadata.get('user-agent')[0] ?? ''));
        setTimeout(() => callback(null, { status: 'SERVING' }), 600);
      },
      watch: () => undefined,
    });
    slow = await listen(late);
    servers.push(health, none, late);
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closed = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
  });
  after(() => {
    for (const s of servers) s.forceShutdown();
  });

  // A generous timeout where the answer comes at once (a loaded machine must not fail them), 300 ms
  // where the timeout itself is the case.
  const cases: { name: string; probe: () => Probe; ok: boolean; output: (port: number) => string | RegExp; port: () => number; timeoutMs?: number }[] = [
    { name: 'SERVING overall ("" service)', port: () => healthy, probe: () => ({ grpc: { port: healthy } }), ok: true, output: () => 'service healthy' },
    { name: 'SERVING named service', port: () => healthy, probe: () => ({ grpc: { port: healthy, service: 'skiff.Up' } }), ok: true, output: () => 'service healthy' },
    { name: 'NOT_SERVING fails', port: () => healthy, probe: () => ({ grpc: { port: healthy, service: 'skiff.Down' } }), ok: false, output: () => 'service unhealthy (responded with "NOT_SERVING")' },
    {
      name: 'an unknown service: the server says NotFound',
      port: () => healthy,
      probe: () => ({ grpc: { port: healthy, service: 'nope' } }),
      ok: false,
      output: () => /^error: health rpc probe failed: rpc error: code = NotFound desc = /,
    },
    {
      name: 'no health service on the server',
      port: () => bare,
      probe: () => ({ grpc: { port: bare } }),
      ok: false,
      output: () => /^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /,
    },
    { name: 'an answer after the timeout', port: () => slow, probe: () => ({ grpc: { port: slow } }), ok: false, output: () => 'timeout: health rpc did not complete within 300ms', timeoutMs: 300 },
    {
      name: 'nothing listening: no connection within the timeout',
      port: () => closed,
      probe: () => ({ grpc: { port: closed } }),
      ok: false,
      output: (port) => `timeout: failed to connect service "127.0.0.1:${port}" within 300ms: context deadline exceeded`,
      timeoutMs: 300,
    },
  ];
  for (const c of cases) {
    void it(c.name, async () => {
      const started = Date.now();
      const timeoutMs = c.timeoutMs ?? 10_000;
      const got = await runHandler(c.probe(), { pod, container: { name: 'c' }, containerId: 'x', podIP: '127.0.0.1' }, timeoutMs, runtime);
      assert.equal(got.ok, c.ok, got.output);
      const want = c.output(c.port());
      if (typeof want === 'string') assert.equal(got.output, want);
      else assert.match(got.output, want);
      assert.ok(Date.now() - started < timeoutMs + 2000, 'within the timeout (and a little)');
    });
  }

  void it('sends the kube-probe user agent', () => {
    assert.ok(agents.length > 0);
    assert.match(agents[0]!, /^kube-probe\/\d+\.\d+ /);
  });
});
