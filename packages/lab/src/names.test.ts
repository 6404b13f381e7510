import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labNames, netnsName, nodeIndex, validateLabName, vethName } from './names.js';

void describe('labNames', () => {
  void it('derives every interface name within 15 characters', () => {
    for (const lab of ['default', 'a', 'e2e-lab-0123456789abcdef', 'x'.repeat(32)]) {
      const n = labNames(lab);
      assert.ok(n.bridge.length <= 15, n.bridge);
      assert.ok(vethName(n, 999).length <= 15);
    }
  });
  void it('gives two labs different bridges, veths, chains and namespaces', () => {
    const a = labNames('one');
    const b = labNames('two');
    for (const k of ['bridge', 'forwardChain', 'natChain', 'vethPrefix', 'netnsPrefix'] as const) assert.notEqual(a[k], b[k]);
    assert.match(a.forwardChain, /^SKIFF-/);
    assert.match(a.natChain, /^SKIFF-/);
    assert.equal(netnsName(a, 'n1'), 'skiff-one-n1');
  });
  const invalid: [string, string][] = [
    ['empty', ''],
    ['upper case', 'Lab'],
    ['trailing dash', 'lab-'],
    ['slash', 'a/b'],
    ['too long', 'x'.repeat(33)],
  ];
  for (const [name, value] of invalid) {
    void it(`rejects a lab name: ${name}`, () => assert.throws(() => validateLabName(value)));
  }
});

void describe('nodeIndex', () => {
  const cases: [string, number | undefined][] = [
    ['n1', 1],
    ['n12', 12],
    ['n0', undefined],
    ['b-n1', undefined],
    ['node1', undefined],
  ];
  for (const [name, want] of cases) void it(`${name} -> ${want}`, () => assert.equal(nodeIndex(name), want));
});
