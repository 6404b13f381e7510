import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../testing/run.js';
import { SCHEDULED_ON_N2 } from '../testing/placement-fixture.js';

const ANN = 'scheduler.skiff.io/explanation';

const scheduledExplanation = JSON.stringify(SCHEDULED_ON_N2);

const failedExplanation = JSON.stringify({
  result: 'Unschedulable',
  evaluated: 2,
  feasible: 0,
  candidates: [],
  candidatesOmitted: 0,
  rejected: [
    { node: 'n1', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' },
    { node: 'n2', plugin: 'TaintToleration', reason: "node(s) had untolerated taint {dedicated: db}" },
  ],
  rejectedOmitted: 0,
});

function pod(name: string, o: { node?: string; annotation?: string; status?: Record<string, unknown> } = {}): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(o.annotation ? { annotations: { [ANN]: o.annotation } } : {}) },
    spec: { ...(o.node ? { nodeName: o.node } : {}), containers: [{ name: 'c', image: 'busybox' }] },
    ...(o.status ? { status: o.status } : {}),
  };
}

const world = (): FakeClient =>
  new FakeClient({
    objects: [
      pod('placed', { node: 'n2', annotation: scheduledExplanation }),
      pod('pending', {
        annotation: failedExplanation,
        status: {
          phase: 'Pending',
          nominatedNodeName: 'n1',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              lastTransitionTime: '2024-01-01T00:30:00Z',
              message: '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: db}.',
            },
          ],
        },
      }),
      pod('fresh'),
      pod('by-hand', { node: 'n9' }),
    ],
  });

const cases: { name: string; argv: string[]; code?: number; stdout?: string; stderr?: RegExp }[] = [
  {
    name: 'a placed pod: the chosen node with its scores, the runner-up, the rejected nodes',
    argv: ['explain-placement', 'placed'],
    stdout: [
      'Pod:        default/placed',
      'Node:       n2',
      'Placement:  chosen n2 (score 187: NodeResourcesFit 90, TaintToleration 97)',
      '            also n3 (150: NodeResourcesFit 53, TaintToleration 97)',
      '            rejected: n1 (NodeResourcesFit: Insufficient cpu)',
      '',
    ].join('\n'),
  },
  {
    name: 'a pending pod: its latest attempt, the nominated node and the rejections',
    argv: ['explain-placement', 'pod/pending'],
    stdout: [
      'Pod:                  default/pending',
      'Node:                 <none> (Pending)',
      'Last Attempt:         Unschedulable (since Mon, 01 Jan 2024 00:30:00 +0000): 0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: db}.',
      'Nominated Node Name:  n1',
      'Placement:            no node fits (2 evaluated)',
      '                      rejected: n1 (NodeResourcesFit: Insufficient cpu), n2 (TaintToleration: node(s) had untolerated taint {dedicated: db})',
      '',
    ].join('\n'),
  },
  {
    name: 'a pod not tried yet',
    argv: ['explain-placement', 'fresh'],
    stdout: [
      'Pod:           default/fresh',
      'Node:          <none> (Pending)',
      'Last Attempt:  <none> (no attempt recorded by default-scheduler yet)',
      'Placement:     <none>: no explanation written yet',
      '',
    ].join('\n'),
  },
  {
    name: 'a pod placed by its creator (spec.nodeName)',
    argv: ['explain-placement', 'by-hand'],
    stdout: ['Pod:        default/by-hand', 'Node:       n9', 'Placement:  <none>: the pod was placed without an explanation (spec.nodeName set by its creator, or a scheduler that writes none)', ''].join('\n'),
  },
  {
    name: '-o json: the explanation as data',
    argv: ['explain-placement', 'placed', '-o', 'json'],
    stdout: `${JSON.stringify(JSON.parse(scheduledExplanation), null, 2)}\n`,
  },
  { name: 'a missing pod: NotFound as kubectl says it', argv: ['explain-placement', 'nope'], code: 1, stderr: /pods "nope" not found/ },
  { name: 'an unknown output format', argv: ['explain-placement', 'placed', '-o', 'yaml'], code: 1, stderr: /allowed formats are: json/ },
  { name: 'neither a pod nor -f', argv: ['explain-placement'], code: 1, stderr: /USAGE: explain-placement \(POD \| -f FILENAME\)/ },
  { name: 'a pod and -f', argv: ['explain-placement', 'placed', '-f', 'pod.yaml'], code: 1, stderr: /takes a POD or -f manifests, not both/ },
];

for (const c of cases) {
  void test(`explain-placement: ${c.name}`, async () => {
    const r = await run(world(), c.argv);
    assert.equal(r.code, c.code ?? 0, r.stderr);
    if (c.stdout !== undefined) assert.equal(r.stdout, c.stdout);
    if (c.stderr) assert.match(r.stderr, c.stderr);
  });
}
