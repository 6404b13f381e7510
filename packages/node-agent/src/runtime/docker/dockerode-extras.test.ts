// deferDockerodeExtras defers two modules dockerode requires at load; each must load, and work, on
// the first call that needs it. The cases run in order in this process: a module loads once.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isModuleLoaded } from './deferred-module.js';
import { DOCKERODE_EXTRAS, deferDockerodeExtras } from './dockerode-extras.js';

const require = createRequire(import.meta.url);
// as main does, before dockerode loads
assert.equal(deferDockerodeExtras(), true, 'dockerode or docker-modem is not the major measured: measure again (dockerode-extras.ts)');
const { default: Docker } = await import('dockerode');

/** Whether any file of this package is loaded (e.g. '/node_modules/ssh2/'). */
function packageLoaded(fragment: string): boolean {
  return Object.keys(require.cache).some((f) => f.includes(fragment));
}

/** A TCP port on loopback that refuses connections (a server's, closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const cases: {
  name: string;
  module: keyof typeof DOCKERODE_EXTRAS;
  /** a package the module requires, not loaded before */
  brings: string;
  /** a call through dockerode that needs the module; it fails (no server), after using it */
  use: () => Promise<unknown>;
  fails: RegExp;
}[] = [
  {
    name: 'the ssh transport loads on the first request to an ssh:// host',
    module: 'ssh',
    brings: '/node_modules/ssh2/',
    use: async () => new Docker({ protocol: 'ssh', host: '127.0.0.1', port: await closedPort(), username: 'skiff' }).ping(),
    fails: /ECONNREFUSED/,
  },
  {
    name: 'the BuildKit session loads on the first build that asks for one',
    module: 'session',
    brings: '/node_modules/@grpc/proto-loader/',
    use: async () => {
      const dir = await mkdtemp(join(tmpdir(), 'skiff-dockerode-'));
      try {
        return await new Docker({ socketPath: join(dir, 'no-docker.sock') }).buildImage({ context: dir, src: [] }, { t: 'x', version: '2' });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    fails: /ENOENT.*no-docker\.sock/,
  },
];

/** An HTTP server on a unix socket that answers dockerd's /_ping. */
async function fakeDockerd(dir: string): Promise<{ socketPath: string; close: () => Promise<void> }> {
  const socketPath = join(dir, 'docker.sock');
  const server = createHttpServer((req, res) => {
    res.writeHead(req.url?.endsWith('/_ping') ? 200 : 404, { 'content-type': 'text/plain' }).end(req.url?.endsWith('/_ping') ? 'OK' : 'no');
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return { socketPath, close: () => new Promise<void>((r) => server.close(() => r())) };
}

void describe('dockerode with deferred modules', () => {
  // first: the agent's own path loads neither
  void it('a client on a unix socket works without loading them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'skiff-dockerode-'));
    const dockerd = await fakeDockerd(dir);
    try {
      const pong: unknown = await new Docker({ socketPath: dockerd.socketPath }).ping();
      assert.equal(String(pong), 'OK');
      for (const file of Object.values(DOCKERODE_EXTRAS)) assert.equal(isModuleLoaded(file), false, `${file} loaded`);
    } finally {
      await dockerd.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  for (const c of cases) {
    void it(c.name, async () => {
      const file = DOCKERODE_EXTRAS[c.module];
      assert.equal(isModuleLoaded(file), false, `${file} loaded with dockerode`);
      assert.equal(packageLoaded(c.brings), false, `${c.brings} loaded with dockerode`);
      await assert.rejects(c.use(), c.fails);
      assert.equal(isModuleLoaded(file), true, `${file} not loaded by its first use`);
      assert.equal(packageLoaded(c.brings), true, `${c.brings} not loaded by its first use`);
    });
  }
});
