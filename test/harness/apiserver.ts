// An apiserver for tests: in-process on a free port over a private etcd, with a client.
import { run, type RunHooks, type RunningApiServer } from '@skiff/apiserver';
import { createClient, discardLogger, letHttp2StreamsDieYoung, type Client } from '@skiff/machinery';
import { startEtcd, type TestEtcd } from './etcd.js';

export interface TestCluster {
  etcd: TestEtcd;
  server: RunningApiServer;
  client: Client;
  /** Stops the apiserver (not etcd). */
  stopServer(): Promise<void>;
  /** Starts a new apiserver on the same etcd (and the same port). */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

export async function startCluster(opts: { etcd?: TestEtcd; watchCacheSize?: number; nodeAgentToken?: string; hooks?: RunHooks } = {}): Promise<TestCluster> {
  // As skiff-apiserver's main does, before any HTTP/2 session exists.
  // Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
  // generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
  if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();
  const etcd = opts.etcd ?? (await startEtcd());
  let ac = new AbortController();
  const start = (listen: string): Promise<RunningApiServer> =>
    run(
      {
        etcdServers: [etcd.endpoint],
        listen,
        httpListen: '127.0.0.1:0',
        bookmarkIntervalMs: 1000,
        ...(opts.watchCacheSize ? { watchCacheSize: opts.watchCacheSize } : {}),
        ...(opts.nodeAgentToken ? { nodeAgentToken: opts.nodeAgentToken } : {}),
      },
      ac.signal,
      discardLogger(),
      opts.hooks,
    );
  const c: TestCluster = {
    etcd,
    server: await start('127.0.0.1:0'),
    client: undefined as unknown as Client,
    async stopServer() {
      ac.abort();
      await c.server.stopped;
    },
    async restartServer() {
      ac = new AbortController();
      c.server = await start(c.server.address);
      // The client's channel may still be backing off from the refused connections of the stop:
      // wait until it reaches the new server, so the next call does not fail with UNAVAILABLE.
      for (let deadline = Date.now() + 10_000; ; ) {
        try {
          await c.client.discovery();
          return;
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    },
    async close() {
      c.client.close();
      ac.abort();
      await c.server.stopped;
      if (!opts.etcd) await etcd.stop();
    },
  };
  c.client = createClient({ server: c.server.address });
  return c;
}
