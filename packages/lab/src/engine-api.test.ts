// SocketEngineApi against a stand-in engine: an HTTP server on a unix socket answering the Engine API
// paths the lab uses the way dockerd does (status codes, JSON bodies, a load's progress stream).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SocketEngineApi } from './engine-api.js';
import { LabError } from './errors.js';

type Route = (req: IncomingMessage, body: Buffer, res: ServerResponse) => void;

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

const removed: string[] = [];
const routes: Record<string, Route> = {
  'GET /_ping': (_q, _b, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end('OK');
  },
  'GET /images/skiff/pause:0.1/json': (_q, _b, res) => json(res, 200, { Id: 'sha256:abc' }),
  'GET /images/absent:1/json': (_q, _b, res) => json(res, 404, { message: 'No such image: absent:1' }),
  'GET /images/broken:1/json': (_q, _b, res) => json(res, 500, { message: 'engine trouble' }),
  'GET /info': (_q, _b, res) => json(res, 200, { Driver: 'overlay2' }),
  'GET /containers/json?all=true': (_q, _b, res) => json(res, 200, [{ Id: 'c1' }, { Id: 'c2' }]),
  'DELETE /containers/c1?force=true&v=true': (_q, _b, res) => {
    removed.push('c1');
    res.writeHead(204).end();
  },
  'DELETE /containers/gone?force=true&v=true': (_q, _b, res) => json(res, 404, { message: 'No such container: gone' }),
  'DELETE /containers/busy?force=true&v=true': (_q, _b, res) => json(res, 409, { message: 'removal already in progress' }),
  'POST /images/load': (_q, body, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // dockerd reports a failed load inside the stream, with status 200.
    if (body.toString() === 'good') res.end('{"stream":"Loaded image: skiff/pause:0.1\\n"}\r\n');
    else res.end('{"errorDetail":{"message":"unexpected EOF"},"error":"unexpected EOF"}\r\n');
  },
};

describe('SocketEngineApi', () => {
  let dir: string;
  let server: Server;
  let engine: SocketEngineApi;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-engine-api-'));
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const route = routes[`${req.method} ${req.url}`];
        if (route) route(req, Buffer.concat(chunks), res);
        else json(res, 400, { message: `no route ${req.method} ${req.url}` });
      });
    });
    await new Promise<void>((r) => server.listen(join(dir, 'docker.sock'), r));
    engine = new SocketEngineApi(join(dir, 'docker.sock'));
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: { name: string; run: () => Promise<unknown>; want?: unknown; fails?: RegExp }[] = [
    { name: 'ping: an engine that answers', run: () => engine.ping(), want: true },
    { name: 'ping: no engine on the socket is false, not an error', run: () => new SocketEngineApi(join(dir, 'none.sock')).ping(), want: false },
    { name: 'imageId: the image ID', run: () => engine.imageId('skiff/pause:0.1'), want: 'sha256:abc' },
    { name: 'imageId: an absent image is undefined', run: () => engine.imageId('absent:1'), want: undefined },
    { name: 'imageId: another engine error fails', run: () => engine.imageId('broken:1'), fails: /inspect image broken:1 .*engine trouble/ },
    { name: 'storageDriver', run: () => engine.storageDriver(), want: 'overlay2' },
    { name: 'containerIds: every container, stopped ones too', run: () => engine.containerIds(), want: ['c1', 'c2'] },
    { name: 'removeContainer: removed (force, with volumes)', run: () => engine.removeContainer('c1'), want: undefined },
    { name: 'removeContainer: one already gone is fine', run: () => engine.removeContainer('gone'), want: undefined },
    { name: 'removeContainer: another refusal fails', run: () => engine.removeContainer('busy'), fails: /remove container busy .*removal already in progress/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      if (c.fails) await assert.rejects(c.run(), (e) => e instanceof LabError && c.fails!.test(e.message));
      else assert.deepEqual(await c.run(), c.want);
    });
  }

  it('loadImage: sends the tarball; an error reported in the progress stream fails the load', async () => {
    const good = join(dir, 'good.tar');
    const bad = join(dir, 'bad.tar');
    writeFileSync(good, 'good');
    writeFileSync(bad, 'truncated');
    await engine.loadImage(good);
    await assert.rejects(engine.loadImage(bad), (e) => e instanceof LabError && /unexpected EOF/.test(e.message));
    assert.deepEqual(removed, ['c1']);
  });
});
