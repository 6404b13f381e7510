import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourceByKind, type KObject } from '@skiff/api';
import { codecFor, encodeObject } from '@skiff/machinery';
import { CachedObject } from './cached-object.js';
import { encodeListResponse } from '../grpc/list-response.js';
import { makeFilter } from './filter.js';

const podType = resourceByKind('Pod')!;
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' }, uid: 'u1' },
  spec: { nodeName: 'node-7', containers: [{ name: 'c', image: 'busybox' }] },
  status: { phase: 'Running' },
};

const nsType = resourceByKind('Namespace')!;
const stored = Buffer.from(JSON.stringify(pod));

describe('CachedObject', () => {
  const { cached, decoded } = CachedObject.fromStoredDecoded(podType, 'shop/web-1', stored, '42');
  // The same object cached without parsing (labels and fields read when first asked for).
  const lazy = CachedObject.fromStored(podType, 'shop/web-1', stored, '42');

  it('encodes its wire bytes once, with its resourceVersion, and keeps them', () => {
    const bytes = lazy.atRevision('43').encoded();
    assert.deepEqual(bytes, encodeObject({ ...pod, metadata: { ...pod.metadata, resourceVersion: '43' } }));
    const again = CachedObject.fromStored(podType, 'shop/web-1', stored, '42');
    assert.equal(again.encoded(), again.encoded(), 'the same buffer the second time');
  });

  it('lists its bytes as a ListResponse the client decodes as before', () => {
    const list = codecFor<{ items: KObject[]; resourceVersion: string; continue?: string; remainingItemCount?: number }>('skiff.v1.ListResponse');
    const page = { items: [cached.encoded(), lazy.atRevision('44').encoded()], resourceVersion: '44', continue: 'abc', remainingItemCount: 7 };
    const got = list.decode(encodeListResponse(page));
    assert.deepEqual(got, list.decode(list.encode({ ...page, items: [cached.decode(), lazy.atRevision('44').decode()] })));
    assert.equal(got.items[1]!.metadata.resourceVersion, '44');
    assert.equal(got.remainingItemCount, 7);
  });

  it('keeps what selectors and indexes read', () => {
    assert.equal(cached.key, 'shop/web-1');
    assert.equal(cached.namespace, 'shop');
    assert.equal(cached.resourceVersion, '42');
    assert.deepEqual(cached.labels, { app: 'web' });
    assert.equal(cached.nodeName, 'node-7');
    assert.equal(cached.fields['status.phase'], 'Running');
    assert.equal(decoded.metadata.resourceVersion, '42');
  });

  it('unparsed, reads the namespace from the key and the rest from the JSON when asked', () => {
    assert.equal(lazy.namespace, 'shop');
    assert.deepEqual(lazy.labels, { app: 'web' });
    assert.equal(lazy.nodeName, 'node-7');
    assert.deepEqual(lazy.fields, cached.fields);
    assert.deepEqual(lazy.atRevision('50').fields, cached.fields);
    const ns = CachedObject.fromStored(nsType, 'shop', Buffer.from(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } })), '3');
    assert.equal(ns.namespace, '');
    assert.equal(ns.fields['metadata.name'], 'shop');
  });

  it('tells whether its JSON mentions a text', () => {
    assert.equal(cached.mentions('"nodeName"'), true);
    assert.equal(cached.mentions('"deletionTimestamp"'), false);
  });

  it('decodes a fresh copy each time, with its resourceVersion', () => {
    const a = cached.decode();
    const b = cached.decode();
    assert.notEqual(a, b);
    assert.deepEqual(a, { ...pod, metadata: { ...pod.metadata, resourceVersion: '42' } });
    (a.metadata.labels as Record<string, string>).app = 'changed';
    assert.equal((cached.decode().metadata.labels as Record<string, string>).app, 'web');
  });

  it('stamps another revision without copying the object', () => {
    const gone = cached.atRevision('50');
    assert.equal(gone.resourceVersion, '50');
    assert.equal(gone.decode().metadata.resourceVersion, '50');
    assert.equal(cached.resourceVersion, '42');
  });

  it('is matched by filters as the decoded object is', () => {
    const cases: [string, string, string, boolean][] = [
      ['shop', 'app=web', 'spec.nodeName=node-7', true],
      ['shop', 'app!=web', '', false],
      ['other', '', '', false],
      ['', '', 'status.phase=Running,metadata.name=web-1', true],
      ['', '', 'spec.nodeName!=node-7', false],
    ];
    for (const [ns, labels, fields, want] of cases) {
      const f = makeFilter(podType, ns, labels, fields);
      assert.equal(f.matches(cached), want, `${ns} ${labels} ${fields}`);
      assert.equal(f.matches(CachedObject.fromStored(podType, 'shop/web-1', stored, '42')), want, `${ns} ${labels} ${fields} (unparsed)`);
      assert.equal(f.matchesObject(decoded as KObject), want, `${ns} ${labels} ${fields} (decoded)`);
    }
  });
});
