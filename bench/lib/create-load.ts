// The apiserver benchmark's create loads, each in a worker thread of its own: ConfigMap creates
// straight into etcd (one create-if-absent txn each, with the etcd3 client) or through the
// apiserver (the machinery client). Each worker is a V8 isolate of its own, so neither load
// generator's garbage collections land in the other's measurements.
//
// That matters beyond the pauses themselves: after an isolate has driven a second grpc-js channel
// (the etcd3 client's) for a while, its young-generation collector promotes every finished call of
// the first channel too (measured: about 9 KB per apiserver create, a full collection every few
// seconds), and the apiserver's open-loop tail doubled. One channel per isolate keeps each load
// generator as light as a real client.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Etcd3 } from 'etcd3';
import { createClient, letHttp2StreamsDieYoung } from '@skiff/machinery';
import { closedLoop, openLoop, type LoopResult, type OpenLoopResult } from './apiserver-load.js';
import { configMap, RAW_PREFIX, rawCreate, storedConfigMap } from './configmaps.js';
import { UNLIMITED } from './apiserver-etcd.js';

/** Where the creates go: etcd at `etcd` (keys under RAW_PREFIX), or the apiserver at `apiserver`. */
export type Target = { etcd: string } | { apiserver: string };

/** Creates ConfigMap `cm-<from + i>` of namespace `ns`, for i in [0, n) (open loop: rate × seconds). */
type Request =
  | { id: number; loop: 'closed'; ns: string; from: number; n: number; concurrency: number }
  | { id: number; loop: 'open'; ns: string; from: number; rate: number; seconds: number };

interface Reply {
  id: number;
  latencies: Float64Array;
  elapsedMs: number;
  errors: number;
  firstError?: string;
  issued?: number;
  maxInFlight?: number;
}

/** The main thread's handle on one worker. */
export class CreateLoad {
  private readonly worker: Worker;
  private readonly pending = new Map<number, (r: Reply) => void>();
  private nextId = 0;
  private failed: Error | undefined;

  constructor(target: Target) {
    this.worker = new Worker(new URL(import.meta.url), { workerData: target });
    this.worker.on('message', (r: Reply) => {
      this.pending.get(r.id)?.(r);
      this.pending.delete(r.id);
    });
    this.worker.on('error', (e) => (this.failed = e));
    this.worker.on('exit', (code) => {
      this.failed ??= new Error(`the create load worker exited (${code})`);
      for (const settle of this.pending.values()) settle({ id: -1, latencies: new Float64Array(0), elapsedMs: 0, errors: 1, firstError: this.failed.message });
      this.pending.clear();
    });
  }

  closed(ns: string, from: number, n: number, concurrency: number): Promise<LoopResult> {
    return this.call({ id: 0, loop: 'closed', ns, from, n, concurrency });
  }

  open(ns: string, rate: number, seconds: number): Promise<OpenLoopResult> {
    return this.call({ id: 0, loop: 'open', ns, from: 0, rate, seconds }) as Promise<OpenLoopResult>;
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private call(req: Request): Promise<LoopResult> {
    if (this.failed) return Promise.reject(this.failed);
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, (r) => {
        const { latencies, elapsedMs, errors, firstError, issued, maxInFlight } = r;
        resolve({
          latencies,
          elapsedMs,
          errors,
          ...(firstError !== undefined ? { firstError: new Error(firstError) } : {}),
          ...(issued !== undefined ? { issued, maxInFlight } : {}),
        });
      });
      this.worker.postMessage({ ...req, id });
    });
  }
}

if (!isMainThread && parentPort) {
  // A worker thread has its own http2 module: as in the bench's main.
  // Workaround, measured on Node 20: every finished HTTP/2 request there is promoted to the old
  // generation (2.6 KB each; a full GC every few seconds under load). See machinery's http2-release.ts.
  if (process.versions.node.startsWith('20.')) letHttp2StreamsDieYoung();
  const port = parentPort;
  const target = workerData as Target;
  let create: (ns: string, i: number) => Promise<unknown>;
  if ('etcd' in target) {
    const etcd = new Etcd3({ hosts: target.etcd });
    create = (ns, i) => rawCreate(etcd, `${RAW_PREFIX}${ns}/cm-${i}`, storedConfigMap(ns, `cm-${i}`));
  } else {
    const client = createClient({ server: target.apiserver, rateLimit: UNLIMITED });
    create = (ns, i) => client.create(configMap(ns, `cm-${i}`));
  }
  port.on('message', (req: Request) => {
    const run: Promise<LoopResult | OpenLoopResult> =
      req.loop === 'closed'
        ? closedLoop(req.n, req.concurrency, (i) => create(req.ns, req.from + i))
        : openLoop(req.rate, req.seconds, (i) => create(req.ns, req.from + i));
    void run.then((r) => {
      const reply: Reply = {
        id: req.id,
        latencies: r.latencies,
        elapsedMs: r.elapsedMs,
        errors: r.errors,
        ...(r.firstError !== undefined ? { firstError: String((r.firstError as Error)?.message ?? r.firstError) } : {}),
        ...('issued' in r ? { issued: r.issued, maxInFlight: r.maxInFlight } : {}),
      };
      port.postMessage(reply, [r.latencies.buffer as ArrayBuffer]);
    });
  });
}
