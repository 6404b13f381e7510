import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSelector, type KObject } from '@skiff/api';
import { StoreLister } from './lister.js';
import { Store } from './store.js';

const pod = (ns: string, name: string, labels: Record<string, string>, node = ''): KObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels },
  spec: { nodeName: node },
});

function lister(): StoreLister<KObject> {
  const store = new Store<KObject>();
  store.addIndexer('byNode', (p) => [(p.spec as { nodeName: string }).nodeName]);
  for (const p of [
    pod('b', 'web-2', { app: 'web', tier: 'fe' }, 'n1'),
    pod('a', 'web-1', { app: 'web', tier: 'fe' }, 'n2'),
    pod('a', 'db-1', { app: 'db', tier: 'be' }, 'n1'),
    pod('b', 'cache', { app: 'cache' }),
  ]) {
    store.set(`${p.metadata.namespace}/${p.metadata.name}`, p);
  }
  return new StoreLister(store);
}

const names = (objs: KObject[]): string[] => objs.map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

const cases: { name: string; got: (l: StoreLister<KObject>) => KObject[]; want: string[] }[] = [
  { name: 'everything, sorted by key', got: (l) => l.list(), want: ['a/db-1', 'a/web-1', 'b/cache', 'b/web-2'] },
  { name: 'one namespace', got: (l) => l.list('a'), want: ['a/db-1', 'a/web-1'] },
  { name: 'selector string across namespaces', got: (l) => l.list('', 'app=web'), want: ['a/web-1', 'b/web-2'] },
  { name: 'namespace and set-based selector', got: (l) => l.list('b', 'app in (web,cache)'), want: ['b/cache', 'b/web-2'] },
  { name: 'parsed Selector', got: (l) => l.list('', parseLabelSelector('tier,tier!=fe')), want: ['a/db-1'] },
  { name: 'namespace view', got: (l) => l.namespace('a').list('tier=fe'), want: ['a/web-1'] },
  { name: 'empty namespace', got: (l) => l.list('zzz'), want: [] },
  { name: 'custom index', got: (l) => l.byIndex('byNode', 'n1'), want: ['a/db-1', 'b/web-2'] },
  { name: 'namespace index', got: (l) => l.byIndex('namespace', 'b'), want: ['b/cache', 'b/web-2'] },
];

for (const c of cases) {
  void test(`lister: ${c.name}`, () => {
    assert.deepEqual(names(c.got(lister())), c.want);
  });
}

void test('lister: get, namespace get, unknown index and bad selector', () => {
  const l = lister();
  assert.equal(l.get('a', 'web-1')?.metadata.name, 'web-1');
  assert.equal(l.namespace('b').get('web-1'), undefined);
  assert.throws(() => l.byIndex('nope', 'x'), /does not exist/);
  assert.throws(() => l.list('', 'a in ('), /unable to parse/);
});
