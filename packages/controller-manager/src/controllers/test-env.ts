// Tests' side of the controllers: run registry entries against the machinery's fake client, a
// fake "kubelet" that reports every pod Running and Ready, and waiting on conditions.
import { setMaxListeners } from 'node:events';
import type { KObject, Pod } from '@skiff/api';
import { Clientset, type Clock, EventBroadcaster, SharedInformerFactory, discardLogger, realClock } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import type { ControllerDescriptor } from '../context.js';
import { type ControllerManagerConfig, defaultConfig } from '../config.js';

export interface TestEnv {
  client: FakeClient;
  signal: AbortSignal;
}

/** Runs `controllers` on a fake client seeded with `objects` while `fn` runs; stops them after. */
export async function withControllers(controllers: readonly ControllerDescriptor[], objects: KObject[], fn: (env: TestEnv) => Promise<void>, clock: Clock = realClock, config: Partial<ControllerManagerConfig> = {}): Promise<void> {
  const client = new FakeClient({ objects, now: () => clock.now() });
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  const factory = new SharedInformerFactory({ client });
  const events = new EventBroadcaster({ client });
  const ctx = { client, clientset: new Clientset(client), factory, events, log: discardLogger(), clock, workers: 2, signal: ac.signal, config: { ...defaultConfig, ...config } };
  const runs = controllers.map((c) => c.run(ctx));
  factory.start(ac.signal);
  try {
    await fn({ client, signal: ac.signal });
  } finally {
    ac.abort();
    await Promise.all(runs);
    await factory.stopped();
    await events.shutdown();
  }
}

/** Polls `cond` until it holds; throws with `what` after timeoutMs. */
export async function until(cond: () => boolean, what: string | (() => string), timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Marks every pod without a Ready condition Running and Ready, until `signal` aborts. */
export function startFakeKubelet(client: FakeClient, signal: AbortSignal): void {
  void (async () => {
    while (!signal.aborted) {
      for (const o of client.objects('pods') as Pod[]) {
        if (o.metadata.deletionTimestamp || o.status?.conditions?.some((c) => c.type === 'Ready')) continue;
        const p = o;
        const now = new Date().toISOString();
        p.status = { ...(p.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
        await client.updateStatus(p).catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
}

export const ns = 'default';
