import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Container, Pod, ProbeHandler } from '@skiff/api';
import { FakeRuntime } from '../runtime/fake/fake-runtime.js';
import { resolvePort, runHandler } from './handler.js';

const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [] } };

void describe('runHandler', () => {
  let server: http.Server;
  let port = 0;
  let closedPort = 0;
  const seen: http.IncomingHttpHeaders[] = [];
  const runtime = new FakeRuntime({ images: [{ ref: 'busybox:1.36' }] });
  let containerId = '';

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 500);
      res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 500;
      res.end('body');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const sb = await runtime.runPodSandbox({ pod: { uid: 'u', namespace: 'default', name: 'p' }, attempt: 0, hostname: 'p' });
    containerId = await runtime.createContainer(sb.id, { pod: { uid: 'u', namespace: 'default', name: 'p' }, name: 'c', restartCount: 0, image: 'busybox:1.36', entrypoint: [], cmd: ['sh'], env: [] });
    await runtime.startContainer(containerId);
    runtime.execHandler = (_id, cmd) => (cmd.includes('fail') ? { exitCode: 1, stdout: 'not healthy\n', stderr: '' } : { exitCode: 0, stdout: 'ok', stderr: '' });
  });
  after(() => new Promise((r) => server.close(r)));

  const container = (): Container => ({ name: 'c', ports: [{ name: 'http', containerPort: port }] });
  // 200 ms only where the timeout is the case (the server answers /slow after 500 ms); elsewhere a
  // generous one, so that a loaded machine does not fail a probe that is answered at once.
  const cases: { name: string; handler: () => ProbeHandler; kind?: 'probe' | 'hook'; ok: boolean; output?: RegExp; timeoutMs?: number }[] = [
    { name: 'httpGet 200', handler: () => ({ httpGet: { path: '/healthz', port } }), ok: true },
    { name: 'httpGet by port name', handler: () => ({ httpGet: { path: '/healthz', port: 'http' } }), ok: true },
    { name: 'httpGet 3xx is success', handler: () => ({ httpGet: { path: '/moved', port } }), ok: true },
    { name: 'httpGet 500 fails', handler: () => ({ httpGet: { path: '/bad', port } }), ok: false, output: /^HTTP probe failed with statuscode: 500$/ },
    { name: 'a hook accepts any response', handler: () => ({ httpGet: { path: '/bad', port } }), kind: 'hook', ok: true },
    { name: 'httpGet timeout fails', handler: () => ({ httpGet: { path: '/slow', port } }), ok: false, output: /Client.Timeout/, timeoutMs: 200 },
    { name: 'httpGet refused fails', handler: () => ({ httpGet: { path: '/', port: closedPort } }), ok: false, output: /^Get "http:\/\/127\.0\.0\.1:\d+\/": dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/ },
    { name: 'unknown port name fails', handler: () => ({ httpGet: { path: '/', port: 'nope' } }), ok: false, output: /couldn't find port: nope/ },
    { name: 'tcpSocket open', handler: () => ({ tcpSocket: { port } }), ok: true },
    { name: 'tcpSocket refused', handler: () => ({ tcpSocket: { port: closedPort } }), ok: false, output: /^dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/ },
    { name: 'exec exit 0', handler: () => ({ exec: { command: ['true'] } }), ok: true },
    { name: 'exec exit 1 gives its output', handler: () => ({ exec: { command: ['fail'] } }), ok: false, output: /^not healthy/ },
  ];
  for (const c of cases) {
    void it(c.name, async () => {
      const got = await runHandler(c.handler(), { pod, container: container(), containerId, podIP: '127.0.0.1' }, c.timeoutMs ?? 10_000, runtime, c.kind);
      assert.equal(got.ok, c.ok, got.output);
      if (c.output) assert.match(got.output, c.output);
    });
  }

  void it('sends the probe headers', async () => {
    await runHandler({ httpGet: { path: '/healthz', port, httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }, { pod, container: container(), containerId, podIP: '127.0.0.1' }, 10_000, runtime);
    const h = seen.at(-1);
    assert.equal(h?.['x-probe'], 'yes');
    assert.match(String(h?.['user-agent']), /^kube-probe\//);
  });

  void it('resolvePort', () => {
    assert.equal(resolvePort(80, { name: 'c' }), 80);
    assert.equal(resolvePort('8080', { name: 'c' }), 8080);
    assert.equal(resolvePort('web', { name: 'c', ports: [{ name: 'web', containerPort: 3000 }] }), 3000);
  });
});
