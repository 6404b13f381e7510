import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PLACEMENT_EXPLANATION_ANNOTATION, encodePlacementExplanation, parsePlacementExplanation, type PlacementExplanation } from '@skiff/api';
import type { Explanation } from './explanation.js';
import { explanationAnnotations, placementExplanation } from './explanation-annotation.js';

const cand = (node: string, total: number) => ({ node, total, byPlugin: { NodeResourcesFit: total * 0.6, TaintToleration: total * 0.4 } });
const rejections = (n: number): Explanation['rejected'] =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`n${String(n - i).padStart(2, '0')}`, { plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' }]));

const cases: { name: string; e: Explanation; node?: string; want: (p: PlacementExplanation) => void }[] = [
  {
    name: 'scheduled: chosen node, integer scores per plugin, omitted feasible nodes counted',
    e: { candidates: [cand('b', 187.4), cand('a', 100)], rejected: { c: { plugin: 'TaintToleration', reason: "node(s) had untolerated taint {x: y}" } }, rejectedOmitted: 0, evaluatedNodes: 8, feasibleNodes: 7 },
    node: 'b',
    want: (p) => {
      assert.equal(p.result, 'Scheduled');
      assert.equal(p.node, 'b');
      assert.deepEqual(p.candidates[0], { node: 'b', score: 187, plugins: { NodeResourcesFit: 112, TaintToleration: 75 } });
      assert.equal(p.candidatesOmitted, 5);
      assert.deepEqual(p.rejected, [{ node: 'c', plugin: 'TaintToleration', reason: 'node(s) had untolerated taint {x: y}' }]);
    },
  },
  {
    name: 'a plugin that contributed nothing (0 after rounding) is left out',
    e: { candidates: [{ node: 'a', total: 100.2, byPlugin: { NodeResourcesFit: 100, ImageLocality: 0.2, NodeAffinity: 0 } }, { node: 'b', total: 0, byPlugin: { NodeResourcesFit: 0 } }], rejected: {}, rejectedOmitted: 0, evaluatedNodes: 2, feasibleNodes: 2 },
    node: 'a',
    want: (p) => {
      assert.deepEqual(p.candidates, [{ node: 'a', score: 100, plugins: { NodeResourcesFit: 100 } }, { node: 'b', score: 0, plugins: {} }]);
    },
  },
  {
    name: 'unschedulable: at most 10 rejections, sorted by name, the rest counted with those the scheduler left out',
    e: { candidates: [], rejected: rejections(20), rejectedOmitted: 30, evaluatedNodes: 50, feasibleNodes: 0 },
    want: (p) => {
      assert.equal(p.result, 'Unschedulable');
      assert.equal(p.node, undefined);
      assert.deepEqual(p.rejected.map((r) => r.node), ['n01', 'n02', 'n03', 'n04', 'n05', 'n06', 'n07', 'n08', 'n09', 'n10']);
      assert.equal(p.rejectedOmitted, 40);
    },
  },
  {
    name: 'long reasons are cut to 200 characters',
    e: { candidates: [], rejected: { a: { plugin: 'X', reason: 'r'.repeat(500) } }, rejectedOmitted: 0, evaluatedNodes: 1, feasibleNodes: 0 },
    want: (p) => {
      assert.equal(p.rejected[0].reason.length, 200);
      assert.ok(p.rejected[0].reason.endsWith('...'));
    },
  },
];

for (const c of cases) {
  void test(`placementExplanation: ${c.name}`, () => {
    c.want(placementExplanation(c.e, c.node));
    const text = explanationAnnotations(c.e, c.node)[PLACEMENT_EXPLANATION_ANNOTATION];
    assert.deepEqual(parsePlacementExplanation(text), placementExplanation(c.e, c.node), 'the annotation round-trips');
    assert.equal(text, encodePlacementExplanation(placementExplanation(c.e, c.node)), 'the canonical text, keys in order');
    assert.ok(text.length < 4096, `bounded: ${text.length} bytes`);
  });
}

void test('placementExplanation: the same outcome gives the same text whatever the rejection order', () => {
  const a: Explanation = { candidates: [], rejected: { x: { plugin: 'P', reason: 'r' }, y: { plugin: 'P', reason: 'r' } }, rejectedOmitted: 0, evaluatedNodes: 2, feasibleNodes: 0 };
  const b: Explanation = { ...a, rejected: { y: { plugin: 'P', reason: 'r' }, x: { plugin: 'P', reason: 'r' } } };
  assert.deepEqual(explanationAnnotations(a), explanationAnnotations(b));
});
