import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DATA_DIR_NAME, payloadPathError, writePayload, type Payload } from './atomic-writer.js';

const p = (files: Record<string, string | [string, number]>): Payload =>
  new Map(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? { data: Buffer.from(v), mode: 0o644 } : { data: Buffer.from(v[0]), mode: v[1] }]));

async function read(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => !n.startsWith('..')).sort()) {
    const full = path.join(dir, name);
    if ((await stat(full)).isDirectory()) for (const [k, v] of Object.entries(await read(full))) out[`${name}/${k}`] = v;
    else out[name] = await readFile(full, 'utf8');
  }
  return out;
}

const cases: { name: string; steps: Payload[]; want: Record<string, string>; wrote: boolean[]; modes?: Record<string, number> }[] = [
  { name: 'first write publishes every file', steps: [p({ a: '1', b: '2' })], want: { a: '1', b: '2' }, wrote: [true] },
  { name: 'same payload writes nothing', steps: [p({ a: '1' }), p({ a: '1' })], want: { a: '1' }, wrote: [true, false] },
  { name: 'changed value is swapped in', steps: [p({ a: '1' }), p({ a: '2' })], want: { a: '2' }, wrote: [true, true] },
  { name: 'removed key disappears, new key appears', steps: [p({ a: '1', b: '2' }), p({ b: '2', c: '3' })], want: { b: '2', c: '3' }, wrote: [true, true] },
  { name: 'nested paths', steps: [p({ 'dir/x': 'x', 'dir/y': 'y' })], want: { 'dir/x': 'x', 'dir/y': 'y' }, wrote: [true] },
  { name: 'mode change alone rewrites', steps: [p({ a: '1' }), p({ a: ['1', 0o400] })], want: { a: '1' }, wrote: [true, true], modes: { a: 0o400 } },
  { name: 'empty payload', steps: [p({ a: '1' }), p({})], want: {}, wrote: [true, true] },
];

for (const c of cases) {
  void test(`writePayload: ${c.name}`, async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'aw-'));
    try {
      const wrote: boolean[] = [];
      for (const s of c.steps) wrote.push(await writePayload(dir, s));
      assert.deepEqual(wrote, c.wrote);
      assert.deepEqual(await read(dir), c.want);
      const current = await readlink(path.join(dir, DATA_DIR_NAME));
      assert.match(current, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);
      const hidden = (await readdir(dir)).filter((n) => n.startsWith('..'));
      assert.deepEqual(hidden.sort(), [current, DATA_DIR_NAME].sort(), 'the old version and the temporary link are gone');
      for (const [k, mode] of Object.entries(c.modes ?? {})) assert.equal((await stat(path.join(dir, k))).mode & 0o7777, mode);
      for (const k of Object.keys(c.want)) if (!k.includes('/')) assert.equal(await readlink(path.join(dir, k)), path.join(DATA_DIR_NAME, k));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

const paths: [string, boolean][] = [
  ['a', true],
  ['a/b', true],
  ['', false],
  ['/etc/passwd', false],
  ['../x', false],
  ['a/../../x', false],
  ['..data', false],
];
for (const [input, ok] of paths) {
  void test(`payloadPathError: ${JSON.stringify(input)} ${ok ? 'accepted' : 'refused'}`, () => {
    assert.equal(payloadPathError(input) === undefined, ok);
  });
}
