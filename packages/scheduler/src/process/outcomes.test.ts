import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PLACEMENT_EXPLANATION_ANNOTATION, type Event, type Pod } from '@skiff/api';
import { Clientset, EventBroadcaster, createMetrics, discardLogger, realClock } from '@skiff/machinery';
import { FakeClient } from '@skiff/machinery/testing';
import type { AttemptInfo, FailureInfo } from '../scheduler.js';
import { makePod } from '../testing/builders.js';
import { SchedulerMetrics } from './metrics.js';
import { OutcomeWriter } from './outcomes.js';

const attempt: AttemptInfo = { startMs: Date.now(), initialAttemptMs: Date.now(), attempts: 1, profile: 'default-scheduler' };
const summary = '0/1 nodes are available: 1 Insufficient cpu.';

interface Case {
  name: string;
  /** Stored before the outcome. */
  seed: Pod[];
  /** What the writer is told (and what the informer shows, unless `lister` says otherwise). */
  pod: string;
  failure?: (pods: Record<string, Pod>) => FailureInfo;
  scheduled?: string;
  /** Changes on the server after the informer's copy was taken (e.g. a bind by another scheduler). */
  after?: (cs: Clientset) => Promise<unknown>;
  /** The informer's view of the pod ("gone": deleted). */
  lister?: 'gone' | 'bound';
  want: { events: string[]; condition?: string; nominated?: string; deleting?: string[]; explanation?: string; writes?: number; othersNominated?: Record<string, string | undefined> };
}

const pending = (name: string, priority = 0): Pod => ({ ...makePod(name, { cpu: '1' }), spec: { ...makePod(name, { cpu: '1' }).spec!, priority } });
const bound = (name: string, node: string): Pod => ({ ...pending(name), spec: { ...pending(name).spec!, nodeName: node } });

const rejectedA = { candidates: [], rejected: { a: { plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' } }, rejectedOmitted: 0, evaluatedNodes: 1, feasibleNodes: 0 };
const explainedA = '{"result":"Unschedulable","evaluated":1,"feasible":0,"candidates":[],"candidatesOmitted":0,"rejected":[{"node":"a","plugin":"NodeResourcesFit","reason":"Insufficient cpu"}],"rejectedOmitted":0}';
const withExplanation = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, annotations: { [PLACEMENT_EXPLANATION_ANNOTATION]: explainedA } } });
const nominated = (p: Pod, node: string): Pod => ({ ...p, status: { ...p.status, nominatedNodeName: node } });
const failedBefore = (p: Pod): Pod => ({ ...p, status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: summary }] } });

const cases: Case[] = [
  {
    name: 'scheduled: a Scheduled event',
    seed: [bound('p', 'n1')],
    pod: 'p',
    scheduled: 'n1',
    want: { events: ['Normal Scheduled p: Successfully assigned default/p to n1'] },
  },
  {
    name: 'unschedulable: FailedScheduling and PodScheduled=False',
    seed: [pending('p')],
    pod: 'p',
    failure: () => ({ reason: 'Unschedulable', message: summary }),
    want: { events: [`Warning FailedScheduling p: ${summary}`], condition: `False Unschedulable ${summary}` },
  },
  {
    name: 'unschedulable with an explanation: the annotation, then the status',
    seed: [pending('p')],
    pod: 'p',
    failure: () => ({ reason: 'Unschedulable', message: summary, explanation: rejectedA }),
    want: { events: [`Warning FailedScheduling p: ${summary}`], condition: `False Unschedulable ${summary}`, explanation: explainedA, writes: 2 },
  },
  {
    name: 'the same outcome again: neither annotation nor status written',
    seed: [failedBefore(withExplanation(pending('p')))],
    pod: 'p',
    failure: () => ({ reason: 'Unschedulable', message: summary, explanation: rejectedA }),
    want: { events: [`Warning FailedScheduling p: ${summary}`], condition: `False Unschedulable ${summary}`, explanation: explainedA, writes: 0 },
  },
  {
    name: 'bound on the server after the informer saw it: no stale explanation',
    seed: [pending('p')],
    pod: 'p',
    after: (cs) => cs.pods('default').bind('p', 'n2'),
    failure: () => ({ reason: 'Unschedulable', message: summary, explanation: rejectedA }),
    want: { events: [`Warning FailedScheduling p: ${summary}`], condition: 'True' },
  },
  {
    name: 'already bound in the informer: nothing written',
    seed: [pending('p')],
    pod: 'p',
    lister: 'bound',
    failure: () => ({ reason: 'SchedulerError', message: 'binding rejected: already assigned' }),
    want: { events: [] },
  },
  {
    name: 'deleted meanwhile: nothing written',
    seed: [pending('p')],
    pod: 'p',
    lister: 'gone',
    failure: () => ({ reason: 'Unschedulable', message: summary }),
    want: { events: [] },
  },
  {
    name: 'bound on the server after the informer saw it: the status is not overwritten',
    seed: [pending('p')],
    pod: 'p',
    after: (cs) => cs.pods('default').bind('p', 'n2'),
    failure: () => ({ reason: 'SchedulerError', message: 'binding rejected: conflict' }),
    want: { events: ['Warning FailedScheduling p: binding rejected: conflict'], condition: 'True' },
  },
  {
    name: 'preemption: victims deleted gracefully with a Preempted event, nominatedNodeName set',
    seed: [bound('low', 'n1'), pending('high', 100)],
    pod: 'high',
    failure: (pods) => ({ reason: 'Unschedulable', message: summary, nominatedNodeName: 'n1', victims: [pods.low!] }),
    want: {
      events: [`Warning FailedScheduling high: ${summary}`, `Normal Preempted low: Preempted by pod ${'uid-high'} on node n1`],
      condition: `False Unschedulable ${summary}`,
      nominated: 'n1',
      deleting: ['low'],
    },
  },
  {
    name: 'preemption: lower-priority pods nominated to the node lose their nomination, others keep theirs',
    seed: [bound('low', 'n1'), pending('high', 100), nominated(pending('mid', 50), 'n1'), nominated(pending('other', 10), 'n2')],
    pod: 'high',
    failure: (pods) => ({ reason: 'Unschedulable', message: summary, nominatedNodeName: 'n1', victims: [pods.low!], clearNominations: [pods.mid!] }),
    want: {
      events: [`Warning FailedScheduling high: ${summary}`, `Normal Preempted low: Preempted by pod ${'uid-high'} on node n1`],
      condition: `False Unschedulable ${summary}`,
      nominated: 'n1',
      deleting: ['low'],
      othersNominated: { mid: undefined, other: 'n2' },
    },
  },
  {
    name: 'a nominated pod bound elsewhere: its nomination is cleared',
    seed: [nominated(bound('p', 'n2'), 'n1')],
    pod: 'p',
    scheduled: 'n2',
    want: { events: ['Normal Scheduled p: Successfully assigned default/p to n2'], nominated: undefined, writes: 1 },
  },
  {
    name: 'a nominated pod bound on its nominated node: the nomination is over too',
    seed: [nominated(bound('p', 'n1'), 'n1')],
    pod: 'p',
    scheduled: 'n1',
    want: { events: ['Normal Scheduled p: Successfully assigned default/p to n1'], nominated: undefined },
  },
];

describe('OutcomeWriter', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const client = new FakeClient();
      const cs = new Clientset(client);
      const pods: Record<string, Pod> = {};
      for (const p of c.seed) pods[p.metadata.name!] = client.seed({ ...p, spec: { ...p.spec!, terminationGracePeriodSeconds: 30 } });
      await c.after?.(cs);
      const broadcaster = new EventBroadcaster({ client });
      const w = new OutcomeWriter({
        cs,
        recorder: broadcaster.newRecorder({ component: 'default-scheduler' }),
        currentPod: (_ns, name) => {
          const p = pods[name];
          if (c.lister === 'gone' || !p) return undefined;
          return c.lister === 'bound' ? { ...p, spec: { ...p.spec!, nodeName: 'n9' } } : p;
        },
        metrics: new SchedulerMetrics(createMetrics({ defaultMetrics: false }), () => ({ active: 0, backoff: 0, unschedulable: 0 }), () => Date.now()),
        clock: realClock,
        log: discardLogger(),
      });
      const pod = pods[c.pod]!;
      if (c.scheduled) w.scheduled(pod, c.scheduled, { candidates: [], rejected: {}, rejectedOmitted: 0, evaluatedNodes: 1, feasibleNodes: 1 }, attempt);
      const before = c.scheduled ? 0 : client.calls.length;
      if (c.failure) w.failed(pod, c.failure(pods), attempt);
      await w.drain();
      if (c.want.writes !== undefined) assert.equal(client.calls.slice(before).filter((a) => a.verb === 'patch').length, c.want.writes);
      await broadcaster.flush();

      const events = (client.objects('events') as Event[]).map((e) => `${e.type} ${e.reason} ${e.involvedObject.name}: ${e.message}`).sort();
      assert.deepEqual(events, [...c.want.events].sort());
      const now = client.find('pods', 'default', c.pod) as Pod;
      const cond = now.status?.conditions?.find((x) => x.type === 'PodScheduled');
      assert.equal(cond ? [cond.status, cond.reason, cond.message].filter(Boolean).join(' ') : undefined, c.want.condition);
      assert.equal(now.status?.nominatedNodeName, c.want.nominated);
      assert.equal(now.metadata.annotations?.[PLACEMENT_EXPLANATION_ANNOTATION], c.want.explanation);
      const deleting = (client.objects('pods') as Pod[]).filter((p) => p.metadata.deletionTimestamp).map((p) => p.metadata.name);
      assert.deepEqual(deleting, c.want.deleting ?? []);
      for (const [name, node] of Object.entries(c.want.othersNominated ?? {})) assert.equal((client.find('pods', 'default', name) as Pod).status?.nominatedNodeName, node, name);
    });
  }
});
