// Hollow nodes and what stands in for the scheduler and the node agents in the controller benchmark:
// Node objects that are Ready with room for many pods, a binder that binds each pending pod to the
// next node (round robin), and a fake agent that marks each bound pod Running and Ready at once (with
// a pod IP) and removes a pod marked for deletion with grace period 0, as a kubelet would once its
// containers stopped. One watch on pods feeds both; each write runs with bounded concurrency and is
// retried (a stale copy only costs a retry). The hollow nodes' heartbeat: each node's Lease in
// kube-node-lease renewed every 10 s, as a kubelet does (renewHollowLeases); without it the node
// lifecycle controller takes the nodes for silent after its 40 s grace period, sets them Unknown
// and marks their pods not ready in the middle of a long (loaded) run. Part of the benchmark, not a
// mode of the product.
import type { KObject, Lease, Node, Pod } from '@skiff/api';
import { isApiError } from '@skiff/api';
import { type Client, formatMicroTime } from '@skiff/machinery';

export function hollowNode(name: string, maxPods: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'skiff.dev/hollow': 'true' } },
    spec: {},
    status: {
      capacity: { cpu: '64', memory: '256Gi', pods: String(maxPods) },
      allocatable: { cpu: '64', memory: '256Gi', pods: String(maxPods) },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date().toISOString() }],
      addresses: [{ type: 'InternalIP', address: '192.0.2.1' }],
    },
  } as Node;
}

/** The kubelet's lease: 40 s, renewed every quarter of it. */
const LEASE_DURATION_S = 40;
const LEASE_RENEW_MS = 10_000;

/**
 * Renews each hollow node's Lease (made on first renewal) every 10 s until `signal` aborts.
 * Resolves once the first round is done; `failures` counts renewals that failed.
 */
export async function renewHollowLeases(client: Client, nodes: string[], signal: AbortSignal): Promise<{ failures(): number; done: Promise<void> }> {
  let failures = 0;
  const renew = async (name: string): Promise<void> => {
    const renewTime = formatMicroTime(Date.now());
    try {
      const cur = await client.get<Lease>('leases', 'kube-node-lease', name);
      await client.update<Lease>({ ...cur, spec: { ...cur.spec, holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_S, renewTime } });
      return;
    } catch (e) {
      if (!isApiError(e, 'NOT_FOUND')) throw e;
    }
    await client.create<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'kube-node-lease' },
      spec: { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_S, renewTime },
    } as Lease);
  };
  const round = async (): Promise<void> => {
    for (const r of await Promise.allSettled(nodes.map(renew))) if (r.status === 'rejected') failures++;
  };
  await round();
  const done = (async () => {
    while (!signal.aborted) {
      await new Promise<void>((r) => {
        const wake = (): void => {
          clearTimeout(t);
          signal.removeEventListener('abort', wake);
          r();
        };
        const t = setTimeout(wake, LEASE_RENEW_MS);
        signal.addEventListener('abort', wake, { once: true });
      });
      if (!signal.aborted) await round();
    }
  })();
  return { failures: () => failures, done };
}

const isReady = (p: Pod): boolean => !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** A small pool of async work: at most `limit` at once, the rest queued; keyed so a pod is worked on once at a time. */
class Pool {
  private running = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly busy = new Set<string>();
  private readonly again = new Map<string, () => Promise<void>>();
  errors = 0;

  constructor(private readonly limit: number) {}

  submit(key: string, job: () => Promise<void>): void {
    if (this.busy.has(key)) {
      this.again.set(key, job);
      return;
    }
    this.busy.add(key);
    this.queue.push(() => job().finally(() => this.done(key)));
    this.pump();
  }

  private done(key: string): void {
    this.busy.delete(key);
    const next = this.again.get(key);
    if (next) {
      this.again.delete(key);
      this.submit(key, next);
    }
  }

  private pump(): void {
    while (this.running < this.limit && this.queue.length) {
      const job = this.queue.shift()!;
      this.running++;
      job()
        .catch(() => {
          this.errors++;
        })
        .finally(() => {
          this.running--;
          this.pump();
        });
    }
  }
}

export interface HollowStats {
  /** ms timestamps (performance.now()) of each pod's first sight, by namespace/name. */
  created: Map<string, number>;
  binds: number;
  statusWrites: number;
  /** ms timestamps (as `created`) of each pod's bind and Ready status write that succeeded, by namespace/name. */
  boundAt: Map<string, number>;
  readyAt: Map<string, number>;
  deletes: number;
  /** Writes that failed for another reason than a stale copy. */
  errors(): number;
}

export interface HollowPods {
  stats: HollowStats;
  /** Resolves once the watch ended (after `signal` aborted). */
  done: Promise<void>;
}

/**
 * Runs the binder and the fake agent over `namespace`'s pods until `signal` aborts. `now` stamps
 * first sights (pods created per second are counted from them).
 */
export async function runHollowPods(client: Client, namespace: string, nodes: string[], signal: AbortSignal, now: () => number, concurrency = 64): Promise<HollowPods> {
  const pool = new Pool(concurrency);
  const stats: HollowStats = { created: new Map(), binds: 0, statusWrites: 0, boundAt: new Map(), readyAt: new Map(), deletes: 0, errors: () => pool.errors };
  let next = 0;
  const handle = (pod: Pod): void => {
    const name = pod.metadata.name!;
    const key = `${namespace}/${name}`;
    if (!stats.created.has(key)) stats.created.set(key, now());
    if (pod.metadata.deletionTimestamp) {
      if (!pod.spec?.nodeName) return;
      pool.submit(key, async () => {
        await client.delete('pods', namespace, name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid! } }).catch((e: unknown) => {
          if (!isApiError(e, 'NOT_FOUND') && !isApiError(e, 'ABORTED')) throw e;
        });
        stats.deletes++;
      });
      return;
    }
    if (!pod.spec?.nodeName) {
      const node = nodes[next++ % nodes.length]!;
      pool.submit(key, async () => {
        const ok = await client.bind(namespace, name, node, { uid: pod.metadata.uid! }).then(
          () => true,
          (e: unknown) => {
            if (!isApiError(e, 'FAILED_PRECONDITION') && !isApiError(e, 'NOT_FOUND')) throw e;
            return false;
          },
        );
        stats.binds++;
        if (ok) stats.boundAt.set(key, now());
      });
      return;
    }
    if (isReady(pod)) return;
    pool.submit(key, async () => {
      const t = new Date().toISOString();
      const i = (hash(name) % 60000) + 2;
      const next: Pod = {
        ...pod,
        status: {
          ...(pod.status ?? {}),
          phase: 'Running',
          podIP: `10.${(i >> 16) + 200}.${(i >> 8) & 255}.${i & 255}`,
          startTime: t,
          conditions: [
            { type: 'Initialized', status: 'True', lastTransitionTime: t },
            { type: 'Ready', status: 'True', lastTransitionTime: t },
            { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
            { type: 'PodScheduled', status: 'True', lastTransitionTime: t },
          ],
        },
      } as Pod;
      const ok = await client.updateStatus(next as KObject).then(
        () => true,
        (e: unknown) => {
          // A stale copy: the watch brings the newer one, which queues this pod again.
          if (!isApiError(e, 'ABORTED') && !isApiError(e, 'NOT_FOUND')) throw e;
          return false;
        },
      );
      stats.statusWrites++;
      if (ok) stats.readyAt.set(key, now());
    });
  };
  let rv = (await client.list<Pod>('pods', { namespace, limit: 1 })).resourceVersion;
  const done = (async () => {
    while (!signal.aborted) {
      try {
        for await (const batch of client.watch<Pod>('pods', { namespace, resourceVersion: rv, allowWatchBookmarks: true }, signal)) {
          for (const ev of batch.events) if (ev.object && ev.type !== 'DELETED' && ev.type !== 'BOOKMARK') handle(ev.object);
          rv = batch.resourceVersion;
        }
      } catch (e) {
        if (signal.aborted) break;
        if (isApiError(e, 'OUT_OF_RANGE')) {
          const list = await client.list<Pod>('pods', { namespace });
          for (const p of list.items) handle(p);
          rv = list.resourceVersion;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  })();
  return { stats, done };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}
