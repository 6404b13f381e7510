// isUtf8At: the strict checks' UTF-8 test of a string field in place (a scan for short ASCII
// strings, node's isUtf8 otherwise), against node's isUtf8 on a copy of the same bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { isUtf8At } from './wire-check.js';

const ascii = (n: number): number[] => Array.from({ length: n }, (_, i) => 0x61 + (i % 26));
const cases: { name: string; bytes: number[]; want: boolean }[] = [
  { name: 'empty', bytes: [], want: true },
  { name: 'short ASCII', bytes: ascii(10), want: true },
  { name: 'ASCII at the scan limit', bytes: ascii(64), want: true },
  { name: 'ASCII past the scan limit', bytes: ascii(65), want: true },
  { name: 'short, two-byte character', bytes: [0x63, 0x61, 0x66, 0xc3, 0xa9], want: true },
  { name: 'short, four-byte character', bytes: [0xf0, 0x9f, 0x9a, 0x80], want: true },
  { name: 'short, a lone continuation byte', bytes: [0x61, 0x80, 0x62], want: false },
  { name: 'short, 0xff', bytes: [0xff], want: false },
  { name: 'short, truncated two-byte character at the end', bytes: [0x61, 0xc3], want: false },
  { name: 'short, overlong encoding of "/"', bytes: [0xc0, 0xaf], want: false },
  { name: 'short, a surrogate (CESU-8)', bytes: [0xed, 0xa0, 0x80], want: false },
  { name: 'long, invalid byte at the end', bytes: [...ascii(100), 0xff], want: false },
  { name: 'long, valid multi-byte', bytes: [...ascii(100), 0xe2, 0x98, 0x95], want: true },
  { name: 'invalid byte just past the scan limit', bytes: [...ascii(64), 0xff], want: false },
];

describe('isUtf8At', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.want ? 'UTF-8' : 'not UTF-8'}, in place and among other bytes`, () => {
      const alone = Uint8Array.from(c.bytes);
      assert.equal(isUtf8(alone), c.want, 'the case itself agrees with node');
      assert.equal(isUtf8At(alone, 0, alone.length), c.want);
      // Bytes around it that are not UTF-8 must not be read.
      const framed = Uint8Array.from([0xff, 0xfe, ...c.bytes, 0xff]);
      assert.equal(isUtf8At(framed, 2, c.bytes.length), c.want);
    });
  }
});
