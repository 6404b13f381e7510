import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type Event, type KObject } from '@skiff/api';
import { FakeClock } from '../clock.js';
import { FakeClient } from '../testing/index.js';
import { EventBroadcaster } from './event-broadcaster.js';

const pod: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'team', uid: 'u1', resourceVersion: '7' } };
const node: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n' } };

interface Case {
  name: string;
  setup?(f: FakeClient): void;
  record(r: ReturnType<EventBroadcaster['newRecorder']>): void;
  /** After the first flush. */
  then?(f: FakeClient, r: ReturnType<EventBroadcaster['newRecorder']>): Promise<void>;
  /** Stored events: "namespace/reason count message". */
  want: string[];
  writes: string[];
}

const cases: Case[] = [
  {
    name: 'one event: created with the object reference and source',
    record: (r) => r.event(pod, 'Normal', 'Scheduled', 'assigned team/web-1 to n1'),
    want: ['team/Scheduled 1 assigned team/web-1 to n1'],
    writes: ['create'],
  },
  {
    name: 'repeats patch the stored count instead of creating',
    record: (r) => {
      for (let i = 0; i < 3; i++) r.event(pod, 'Warning', 'BackOff', 'back-off restarting');
    },
    want: ['team/BackOff 3 back-off restarting'],
    writes: ['create', 'patch', 'patch'],
  },
  {
    name: 'a cluster-scoped object: the event goes to default',
    record: (r) => r.event(node, 'Normal', 'NodeReady', 'ready'),
    want: ['default/NodeReady 1 ready'],
    writes: ['create'],
  },
  {
    name: 'a repeat of an event that was deleted is created again',
    record: (r) => r.event(pod, 'Normal', 'Pulled', 'pulled'),
    then: async (f, r) => {
      const [e] = f.objects<Event>('events');
      await f.delete('events', 'team', e!.metadata.name!);
      r.event(pod, 'Normal', 'Pulled', 'pulled');
    },
    want: ['team/Pulled 2 pulled'],
    writes: ['create', 'delete', 'patch', 'create'],
  },
  {
    name: 'an event the server refuses is given up, not retried',
    setup: (f) => f.injectError('create', new ApiError('INVALID_ARGUMENT', 'bad event')),
    record: (r) => {
      r.event(pod, 'Normal', 'A', 'refused');
      r.event(pod, 'Normal', 'B', 'kept');
    },
    want: ['team/B 1 kept'],
    writes: ['create', 'create'],
  },
];

for (const c of cases) {
  void test(`event broadcaster: ${c.name}`, async () => {
    const f = new FakeClient();
    c.setup?.(f);
    const b = new EventBroadcaster({ client: f });
    const r = b.newRecorder({ component: 'test-controller', host: 'n1' });
    c.record(r);
    await b.flush();
    if (c.then) {
      await c.then(f, r);
      await b.flush();
    }
    const stored = f.objects<Event>('events').map((e) => `${e.metadata.namespace}/${e.reason} ${e.count} ${e.message}`);
    assert.deepEqual(stored, c.want);
    assert.deepEqual(f.writes().map((w) => w.verb), c.writes);
    for (const e of f.objects<Event>('events')) {
      assert.equal(e.source?.component, 'test-controller');
      assert.equal(e.reportingInstance, 'n1');
      assert.equal(e.involvedObject.name, e.involvedObject.kind === 'Pod' ? 'web-1' : 'n1');
    }
  });
}

void test('event broadcaster: recording never waits; the queue is bounded and drops beyond it', async () => {
  const f = new FakeClient();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const create = f.create.bind(f);
  f.create = async (o, opts) => {
    await gate;
    return create(o, opts);
  };
  const b = new EventBroadcaster({ client: f, maxQueued: 2 });
  const r = b.newRecorder({ component: 'c' });
  for (let i = 0; i < 5; i++) r.event(pod, 'Normal', `R${i}`, 'm');
  assert.equal(b.dropped, 2, 'one being written, two queued, two dropped');
  release();
  await b.flush();
  assert.deepEqual(f.objects<Event>('events').map((e) => e.reason).sort(), ['R0', 'R1', 'R2']);
});

void test('event broadcaster: an unreachable server is retried every interval, up to maxTries; shutdown ends the wait', async () => {
  const clock = new FakeClock();
  const f = new FakeClient();
  f.injectError('create', new ApiError('UNAVAILABLE', 'connection refused'), 2);
  const b = new EventBroadcaster({ client: f, clock, retryIntervalMs: 1000, maxTries: 3 });
  b.newRecorder({ component: 'c' }).event(pod, 'Normal', 'R', 'm');
  await clock.tick(0);
  assert.equal(f.objects('events').length, 0);
  await clock.tick(1000);
  assert.equal(f.objects('events').length, 0);
  await clock.tick(1000);
  await b.flush();
  assert.equal(f.objects('events').length, 1, 'third try succeeds');

  f.injectError('create', new ApiError('UNAVAILABLE', 'down'), 100);
  b.newRecorder({ component: 'c' }).event(pod, 'Normal', 'Other', 'm');
  await clock.tick(0);
  await b.shutdown();
  assert.equal(clock.pending(), 0, 'no retry timer left');
});
