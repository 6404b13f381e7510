import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codecFor } from './codec.js';
import { bindRequestValue, encodeBindRequest } from './bind-request.js';

type Args = Parameters<typeof encodeBindRequest>;

const codec = codecFor<Record<string, unknown>>('skiff.v1.BindRequest');
const explanation = JSON.stringify({ result: 'Scheduled', node: 'node-17', evaluated: 500, feasible: 500, candidates: [{ node: 'node-17', score: 187, plugins: { NodeResourcesFit: 97 } }] });

// Direct bytes and the codec's bytes for the same request: equal, and they decode to the request.
const plain: [string, Args][] = [
  ['name, namespace and node only', ['default', 'web-1', 'node-1']],
  ['the uid as precondition', ['prod', 'web-1', 'node-1', { uid: '6f1c1a9e-0d7e-4d5c-9d7e-2b1f7c0a1b2c' }]],
  ['uid and resourceVersion', ['prod', 'web-1', 'node-1', { uid: 'u-1', resourceVersion: '4711' }]],
  ['the scheduler: uid and the explanation annotation', ['sched-bench', 'p-42', 'node-4999', { uid: 'u-2' }, { 'scheduler.skiff.io/placement': explanation }]],
  ['several annotations, in insertion order', ['default', 'a', 'n', undefined, { z: '1', a: '2', 'example.com/x': '' }]],
  ['empty preconditions and annotations are left out', ['default', 'a', 'n', { uid: '', resourceVersion: '' }, {}]],
  ['non-ASCII text', ['default', 'pod-ü', 'knoten-ß', { uid: 'ü' }, { note: 'naïve 😀 ✓' }]],
  ['long values (multi-byte lengths)', ['default', 'p'.repeat(200), 'n'.repeat(300), { uid: 'u'.repeat(129) }, { big: 'x'.repeat(70_000) }]],
];

for (const [name, args] of plain) {
  test(`encodeBindRequest: ${name}: the codec's bytes`, () => {
    const direct = encodeBindRequest(...args);
    assert.ok(direct, 'a plain request is written directly');
    const viaCodec = codec.encode(bindRequestValue(...args));
    assert.deepEqual(direct, viaCodec);
    assert.deepEqual(codec.decode(direct), codec.decode(viaCodec));
  });
}

test('encodeBindRequest: what it writes decodes to the request', () => {
  const bytes = encodeBindRequest('ns', 'p', 'n', { uid: 'u', resourceVersion: '7' }, { k: 'v' })!;
  assert.deepEqual(codec.decode(bytes), {
    binding: { metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '7', annotations: { k: 'v' } }, target: { kind: 'Node', name: 'n' } },
  });
});

// Anything not plain is left to the codec (which checks it and reports what is wrong).
const notPlain: [string, Args][] = [
  ['an empty namespace', ['', 'p', 'n']],
  ['an empty pod name', ['default', '', 'n']],
  ['an empty node name', ['default', 'p', '']],
  ['a lone surrogate in the name', ['default', 'p\ud800', 'n']],
  ['a lone surrogate in the node name', ['default', 'p', '\udc00n']],
  ['a uid that is not a string', ['default', 'p', 'n', { uid: 42 as unknown as string }]],
  ['a lone surrogate in an annotation value', ['default', 'p', 'n', undefined, { k: 'v\ud800' }]],
  ['an annotation value that is not a string', ['default', 'p', 'n', undefined, { k: 1 as unknown as string }]],
  ['an empty annotation key', ['default', 'p', 'n', undefined, { '': 'v' }]],
  ['a name that is not a string', ['default', 7 as unknown as string, 'n']],
];

for (const [name, args] of notPlain) {
  test(`encodeBindRequest: ${name}: left to the codec`, () => {
    assert.equal(encodeBindRequest(...args), undefined);
  });
}
