import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePlacementExplanation, parsePlacementExplanation, type PlacementExplanation } from './placement-explanation.js';

const full: PlacementExplanation = {
  result: 'Scheduled',
  node: 'n2',
  evaluated: 3,
  feasible: 1,
  candidates: [{ node: 'n2', score: 187, plugins: { NodeResourcesFit: 90 } }],
  candidatesOmitted: 0,
  rejected: [{ node: 'n1', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' }],
  rejectedOmitted: 0,
};

const cases: { name: string; text: string | undefined; want: PlacementExplanation | undefined }[] = [
  { name: 'round trip', text: encodePlacementExplanation(full), want: full },
  { name: 'keys in a fixed order', text: encodePlacementExplanation({ ...full, rejectedOmitted: 0, result: 'Scheduled' }), want: full },
  { name: 'absent', text: undefined, want: undefined },
  { name: 'not JSON', text: 'chosen n2', want: undefined },
  { name: 'unknown result', text: '{"result":"Maybe"}', want: undefined },
  {
    name: 'missing and mistyped fields default to empty',
    text: '{"result":"Unschedulable","evaluated":"3","candidates":[1,{"node":"a","plugins":{"X":"7"}}],"rejected":null}',
    want: { result: 'Unschedulable', evaluated: 0, feasible: 0, candidates: [{ node: 'a', score: 0, plugins: { X: 0 } }], candidatesOmitted: 0, rejected: [], rejectedOmitted: 0 },
  },
];

for (const c of cases) {
  void test(`parsePlacementExplanation: ${c.name}`, () => {
    assert.deepEqual(parsePlacementExplanation(c.text), c.want);
  });
}

void test('encodePlacementExplanation: fixed key order', () => {
  const shuffled = { rejectedOmitted: 0, rejected: full.rejected, candidatesOmitted: 0, candidates: full.candidates, feasible: 1, evaluated: 3, node: 'n2', result: 'Scheduled' } as PlacementExplanation;
  assert.equal(encodePlacementExplanation(shuffled), encodePlacementExplanation(full));
});
