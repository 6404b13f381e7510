import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PlacementAnswer } from '@skiff/api';
import { resolveConfig } from '../config/resolve.js';
import { inTreeRegistry } from '../plugins/registry.js';
import { Scheduler } from '../scheduler.js';
import { makeNode, makePod } from '../testing/builders.js';
import { explainRoute } from './explain-endpoint.js';

function scheduler(): Scheduler {
  const s = new Scheduler({ config: resolveConfig({}, inTreeRegistry), registry: inTreeRegistry });
  s.cache.addNode(makeNode('small', { cpu: '1' }));
  s.cache.addNode(makeNode('big', { cpu: '8' }));
  return s;
}

interface Case {
  name: string;
  body: unknown;
  query?: string;
  synced?: boolean;
  status: number;
  /** A 200's answer, or the message of an error. */
  check?(a: PlacementAnswer): void;
  message?: RegExp;
}

const cases: Case[] = [
  {
    name: 'a pod: where it would go, and the node that cannot hold it',
    body: makePod('web', { cpu: '2' }),
    status: 200,
    check: (a) => {
      assert.equal(a.explanation.node, 'big');
      assert.deepEqual(a.explanation.rejected, [{ node: 'small', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' }]);
    },
  },
  {
    name: 'the query bounds the lists',
    body: makePod('web', { cpu: '2' }),
    query: 'candidates=1&rejected=0',
    status: 200,
    check: (a) => {
      assert.deepEqual(a.explanation.rejected, []);
      assert.equal(a.explanation.rejectedOmitted, 1);
    },
  },
  { name: 'a bound out of range', body: makePod('web'), query: 'candidates=0', status: 400, message: /^query candidates: Invalid value: "0": must be an integer from 1 to 100$/ },
  { name: 'not JSON', body: '{', status: 400, message: /^the body is not JSON/ },
  { name: 'not a pod', body: { kind: 'Deployment', metadata: {}, spec: {} }, status: 400, message: /^kind: Invalid value: "Deployment": only a Pod can be explained$/ },
  { name: 'a pod without containers', body: { kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [] } }, status: 400, message: /^spec.containers: Required value$/ },
  { name: 'a pod that names its node', body: makePod('x', { nodeName: 'big' }), status: 400, message: /^spec.nodeName: Invalid value: "big"/ },
  { name: 'a schedulerName this scheduler does not serve', body: makePod('x', { schedulerName: 'gpu' }), status: 400, message: /no profile "gpu" \(its profiles: default-scheduler\)/ },
  { name: 'caches not synced yet', body: makePod('x'), synced: false, status: 503, message: /not synced yet/ },
];

for (const c of cases) {
  void test(`explain endpoint: ${c.name}`, async () => {
    const s = scheduler();
    const route = explainRoute(s, () => c.synced ?? true);
    const reply = await route.handle({ body: typeof c.body === 'string' ? c.body : JSON.stringify(c.body), query: new URLSearchParams(c.query ?? '') });
    assert.equal(reply.status, c.status, reply.body);
    const v = JSON.parse(reply.body) as PlacementAnswer & { message?: string };
    if (c.check) c.check(v);
    if (c.message) assert.match(v.message ?? '', c.message);
    assert.equal(s.cache.podCount, 0, 'nothing assumed');
  });
}
