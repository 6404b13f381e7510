import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { Store } from './store.js';

function pod(name: string, node: string): KObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { nodeName: node } };
}
const byNode = (o: KObject): string[] => [String((o.spec as { nodeName: string }).nodeName)];

void test('store keeps frozen objects and maintains indexes', () => {
  const s = new Store();
  s.set('default/a', pod('a', 'n1'));
  s.addIndexer('byNode', byNode);
  s.set('default/b', pod('b', 'n1'));
  s.set('default/c', pod('c', 'n2'));
  assert.deepEqual(s.byIndex('byNode', 'n1').map((o) => o.metadata.name).sort(), ['a', 'b']);
  s.set('default/b', pod('b', 'n2'));
  assert.deepEqual(s.byIndex('byNode', 'n1').map((o) => o.metadata.name), ['a']);
  assert.deepEqual(s.byIndex('byNode', 'n2').map((o) => o.metadata.name).sort(), ['b', 'c']);
  s.delete('default/c');
  assert.deepEqual(s.byIndex('byNode', 'n2').map((o) => o.metadata.name), ['b']);
  assert.deepEqual(s.byIndex('byNode', 'n9'), []);
  assert.equal(s.size, 2);
  const a = s.get('default/a')!;
  assert.throws(() => {
    (a.metadata as { name: string }).name = 'x';
  }, TypeError);
  assert.throws(() => s.byIndex('nope', 'x'));
  assert.throws(() => s.addIndexer('byNode', byNode));
});
