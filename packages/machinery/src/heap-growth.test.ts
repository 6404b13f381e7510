import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { limitHeapGrowth } from './heap-growth.js';

void test('limitHeapGrowth refuses what is not a whole percentage, accepts 0 (V8 default) and others', () => {
  assert.throws(() => limitHeapGrowth(-1), /whole number/);
  assert.throws(() => limitHeapGrowth(1.5), /whole number/);
  assert.throws(() => limitHeapGrowth(Number.NaN), /whole number/);
  assert.doesNotThrow(() => limitHeapGrowth(0));
  assert.doesNotThrow(() => limitHeapGrowth(150));
});

/** The young generation's size (MB) in a fresh process after a burst of allocations, a third of which
 * survive a while (what makes V8 grow it), with or without the small-daemon import first. */
function youngGenerationAfterBurst(smallDaemon: boolean): Promise<number> {
  const module = new URL('./small-daemon-heap.js', import.meta.url).href;
  const script = `
${smallDaemon ? `await import(${JSON.stringify(module)});` : ''}
const v8 = await import('node:v8');
const keep = [];
for (let i = 0; i < 600000; i++) {
  const o = { a: i, b: 'x' + i, c: [i, i + 1] };
  if (i % 3 === 0) keep.push(o);
  if (keep.length > 20000) keep.splice(0, 10000);
}
console.log(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], (err, stdout) => (err ? reject(err) : resolve(Number(stdout.trim()) / (1 << 20)))),
  );
}

const cases: { name: string; smallDaemon: boolean; check: (mb: number) => boolean; expect: string }[] = [
  { name: 'a small daemon keeps its two initial 1 MB semi-spaces', smallDaemon: true, check: (mb) => mb <= 2, expect: '<= 2 MB' },
  // the control: without the import the same burst grows them (so the case above can fail)
  { name: 'another process lets V8 grow them', smallDaemon: false, check: (mb) => mb > 2, expect: '> 2 MB' },
];

for (const c of cases) {
  void test(`young generation: ${c.name}`, async () => {
    const mb = await youngGenerationAfterBurst(c.smallDaemon);
    assert.ok(c.check(mb), `young generation ${mb} MB, expected ${c.expect}`);
  });
}
