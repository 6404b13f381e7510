import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantities, isQuantity, parseQuantity, toMilli, QUANTITY_REGEX_MESSAGE } from './quantity.js';
import { ApiError } from './errors.js';

const valid: { in: string; milli: bigint; canonical: string }[] = [
  { in: '500m', milli: 500n, canonical: '500m' },
  { in: '1', milli: 1000n, canonical: '1' },
  { in: '1.5', milli: 1500n, canonical: '1500m' },
  { in: '0.5', milli: 500n, canonical: '500m' },
  { in: '.5', milli: 500n, canonical: '500m' },
  { in: '1.', milli: 1000n, canonical: '1' },
  { in: '128Mi', milli: 128n * 1024n * 1024n * 1000n, canonical: '128Mi' },
  { in: '1.5Gi', milli: 1610612736000n, canonical: '1536Mi' },
  { in: '1Ki', milli: 1024000n, canonical: '1Ki' },
  { in: '1e3', milli: 1000000n, canonical: '1e3' },
  { in: '1E3', milli: 1000000n, canonical: '1e3' },
  { in: '2k', milli: 2000000n, canonical: '2k' },
  { in: '1G', milli: 1000000000000n, canonical: '1G' },
  { in: '1E', milli: 10n ** 21n, canonical: '1E' },
  { in: '1Ei', milli: 1152921504606846976000n, canonical: '1Ei' },
  { in: '1000', milli: 1000000n, canonical: '1k' },
  { in: '1500', milli: 1500000n, canonical: '1500' },
  { in: '100n', milli: 1n, canonical: '100n' },
  { in: '0.1n', milli: 1n, canonical: '1n' },
  { in: '5u', milli: 1n, canonical: '5u' },
  { in: '0', milli: 0n, canonical: '0' },
  { in: '-1.5', milli: -1500n, canonical: '-1500m' },
  { in: '+2', milli: 2000n, canonical: '2' },
  { in: '1e-3', milli: 1n, canonical: '1e-3' },
  { in: '12345678901234567890123', milli: 12345678901234567890123000n, canonical: '12345678901234567890123' },
];

for (const c of valid) {
  void test(`quantity: parses ${c.in}`, () => {
    assert.ok(isQuantity(c.in));
    assert.equal(toMilli(c.in), c.milli);
    assert.equal(canonicalQuantity(c.in), c.canonical);
    // The canonical form parses to the same value (except below 1n, which rounds up).
    if (c.in !== '0.1n') assert.equal(compareQuantities(c.canonical, c.in), 0);
  });
}

for (const bad of ['', ' 1', '1 ', 'Mi', '1.5.5', '1Kb', 'abc', '1e', '1ee3', '1m5', '--1', '.', '1MiB', '1e1000']) {
  void test(`quantity: rejects ${JSON.stringify(bad)}`, () => {
    assert.equal(isQuantity(bad), false);
    assert.throws(() => parseQuantity(bad), (e: unknown) => e instanceof ApiError && e.code === 'INVALID_ARGUMENT' && e.message.includes(bad === '1e1000' ? 'exponent' : QUANTITY_REGEX_MESSAGE));
  });
}

const cmp: { a: string; b: string; want: -1 | 0 | 1 }[] = [
  { a: '1', b: '1000m', want: 0 },
  { a: '1Gi', b: '1G', want: 1 },
  { a: '500m', b: '0.5', want: 0 },
  { a: '1Ki', b: '1k', want: 1 },
  { a: '100Mi', b: '1Gi', want: -1 },
  { a: '1e3', b: '1k', want: 0 },
];
for (const c of cmp) {
  void test(`quantity: compare ${c.a} ${c.b}`, () => {
    assert.equal(compareQuantities(c.a, c.b), c.want);
  });
}

void test('quantity: arithmetic is exact', () => {
  const q = parseQuantity('100m').add(parseQuantity('200m'));
  assert.equal(q.cmp(parseQuantity('300m')), 0);
  assert.equal(parseQuantity('1Gi').sub(parseQuantity('512Mi')).toString(), '512Mi');
  assert.equal(isQuantity(5), false);
});
