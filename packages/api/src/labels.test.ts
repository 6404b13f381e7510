import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.js';
import { isQualifiedName, isValidLabelValue, labelSelectorFromObject, parseLabelSelector, selectorFromSet } from './labels.js';

const parse: { name: string; sel: string; labels: Record<string, string>; match: boolean; str?: string }[] = [
  { name: 'empty matches all', sel: '', labels: { a: 'b' }, match: true, str: '' },
  { name: 'equals', sel: 'a=b', labels: { a: 'b' }, match: true, str: 'a=b' },
  { name: 'double equals', sel: 'a==b', labels: { a: 'b' }, match: true, str: 'a==b' },
  { name: 'equals mismatch', sel: 'a=b', labels: { a: 'c' }, match: false },
  { name: 'equals missing', sel: 'a=b', labels: {}, match: false },
  { name: 'not equals missing key matches', sel: 'a!=b', labels: {}, match: true },
  { name: 'not equals', sel: 'a!=b', labels: { a: 'b' }, match: false },
  { name: 'in', sel: 'env in (prod, dev)', labels: { env: 'dev' }, match: true, str: 'env in (dev,prod)' },
  { name: 'in miss', sel: 'env in (prod)', labels: { env: 'dev' }, match: false },
  { name: 'notin', sel: 'env notin (prod)', labels: { env: 'dev' }, match: true, str: 'env notin (prod)' },
  { name: 'notin missing key', sel: 'env notin (prod)', labels: {}, match: true },
  { name: 'exists', sel: 'g', labels: { g: '' }, match: true, str: 'g' },
  { name: 'exists missing', sel: 'g', labels: {}, match: false },
  { name: 'not exists', sel: '!h', labels: {}, match: true, str: '!h' },
  { name: 'not exists present', sel: '!h', labels: { h: 'x' }, match: false },
  {
    name: 'full syntax',
    sel: 'a=b,c!=d,e in (x,y),f notin (z),g,!h',
    labels: { a: 'b', c: 'x', e: 'y', g: '1' },
    match: true,
    str: 'a=b,c!=d,e in (x,y),f notin (z),g,!h',
  },
  { name: 'prefixed key', sel: 'app.kubernetes.io/name=web', labels: { 'app.kubernetes.io/name': 'web' }, match: true },
  { name: 'empty value', sel: 'a=', labels: { a: '' }, match: true },
  { name: 'gt', sel: 'n>3', labels: { n: '4' }, match: true, str: 'n>3' },
  { name: 'lt', sel: 'n<3', labels: { n: '4' }, match: false },
  { name: 'whitespace', sel: ' a = b , c ', labels: { a: 'b', c: '' }, match: true, str: 'a=b,c' },
];
for (const c of parse) {
  void test(`labels: ${c.name}`, () => {
    const s = parseLabelSelector(c.sel);
    assert.equal(s.matches(c.labels), c.match);
    if (c.str !== undefined) assert.equal(s.toString(), c.str);
    // The string form round-trips.
    assert.equal(parseLabelSelector(s.toString()).toString(), s.toString());
  });
}

for (const bad of ['a=b,', ',', 'a in b', 'a in (b', '!a=b', 'a b', 'a=b=c', 'a in ()x', 'Bad Key=x', 'a=b c', 'a/b/c=d', 'a=' + 'x'.repeat(64), 'a in (x y)', 'n>x', '-a=b']) {
  void test(`labels: rejects ${JSON.stringify(bad)}`, () => {
    assert.throws(
      () => parseLabelSelector(bad),
      (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && e.fields.length === 1 && e.fields[0].field === 'labelSelector',
    );
  });
}

void test('labels: empty flag', () => {
  assert.equal(parseLabelSelector('').empty, true);
  assert.equal(parseLabelSelector('a').empty, false);
  assert.equal(labelSelectorFromObject({}).empty, true);
});

void test('labels: labelSelectorFromObject', () => {
  const s = labelSelectorFromObject({
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'tier', operator: 'In', values: ['fe', 'be'] },
      { key: 'legacy', operator: 'DoesNotExist' },
      { key: 'team', operator: 'Exists' },
      { key: 'env', operator: 'NotIn', values: ['prod'] },
    ],
  });
  assert.equal(s.toString(), 'app=web,env notin (prod),!legacy,team,tier in (be,fe)');
  assert.equal(s.matches({ app: 'web', tier: 'fe', team: 'x' }), true);
  assert.equal(s.matches({ app: 'web', tier: 'fe', team: 'x', legacy: '1' }), false);
  assert.equal(s.requiresExactMatch('app'), 'web');
});

void test('labels: nil selector matches nothing, set selector', () => {
  assert.equal(labelSelectorFromObject(undefined).matches({}), false);
  assert.equal(selectorFromSet({ app: 'x' }).matches({ app: 'x', b: 'c' }), true);
  assert.equal(selectorFromSet({}).matches({ a: 'b' }), true);
});

void test('labels: invalid object selectors throw', () => {
  for (const sel of [
    { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
    { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
    { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] },
    { matchLabels: { 'bad key': 'x' } },
  ]) {
    assert.throws(() => labelSelectorFromObject(sel), (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT');
  }
});

const keys: { key: string; ok: boolean }[] = [
  { key: 'app', ok: true },
  { key: 'app.kubernetes.io/name', ok: true },
  { key: 'A_b.c-D', ok: true },
  { key: '/a', ok: false },
  { key: 'a/', ok: false },
  { key: 'Example.com/a', ok: false },
  { key: 'a/b/c', ok: false },
  { key: '-a', ok: false },
  { key: 'a'.repeat(63), ok: true },
  { key: 'a'.repeat(64), ok: false },
];
for (const c of keys) {
  void test(`labels: qualified name ${c.key.slice(0, 20)}`, () => assert.equal(isQualifiedName(c.key).length === 0, c.ok));
}

void test('labels: label values', () => {
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('v1.2_3-x'), []);
  assert.equal(isValidLabelValue('a b').length, 1);
  assert.equal(isValidLabelValue('x'.repeat(64)).length, 1);
  assert.equal(isValidLabelValue('-a').length, 1);
});
