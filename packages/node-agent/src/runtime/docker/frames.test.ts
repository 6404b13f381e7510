import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDemuxer, LineSplitter } from './frames.js';

function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(payload.length, 4);
  return Buffer.concat([h, payload]);
}

void describe('FrameDemuxer', () => {
  const all = Buffer.concat([frame(1, 'out one\n'), frame(2, 'err\n'), frame(1, '')]);
  const cases: { name: string; chunks: Buffer[]; want: [string, string][]; leftover: number }[] = [
    { name: 'whole frames in one push', chunks: [all], want: [['stdout', 'out one\n'], ['stderr', 'err\n'], ['stdout', '']], leftover: 0 },
    {
      name: 'a header split across pushes',
      chunks: [all.subarray(0, 5), all.subarray(5)],
      want: [['stdout', 'out one\n'], ['stderr', 'err\n'], ['stdout', '']],
      leftover: 0,
    },
    { name: 'byte by byte', chunks: [...all].map((b) => Buffer.from([b])), want: [['stdout', 'out one\n'], ['stderr', 'err\n'], ['stdout', '']], leftover: 0 },
    { name: 'a partial payload waits', chunks: [frame(2, 'abcdef').subarray(0, 10)], want: [], leftover: 10 },
    { name: 'stdin frames (type 0) are dropped', chunks: [frame(0, 'x'), frame(1, 'y')], want: [['stdout', 'y']], leftover: 0 },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const d = new FrameDemuxer();
      const got = c.chunks.flatMap((b) => d.push(b)).map((x) => [x.stream, x.data.toString()]);
      assert.deepEqual(got, c.want);
      assert.equal(d.leftover, c.leftover);
    });
  }
});

void describe('LineSplitter', () => {
  const cases: { name: string; chunks: string[]; want: string[] }[] = [
    { name: 'lines in one chunk', chunks: ['{"a":1}\n{"b":2}\n'], want: ['{"a":1}', '{"b":2}'] },
    { name: 'a line across chunks', chunks: ['{"a"', ':1}\n'], want: ['{"a":1}'] },
    { name: 'an unfinished line waits', chunks: ['{"a":1}\n{"b"'], want: ['{"a":1}'] },
    { name: 'CRLF and blank lines', chunks: ['x\r\n\n\ny\n'], want: ['x', 'y'] },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const s = new LineSplitter();
      assert.deepEqual(c.chunks.flatMap((x) => s.push(x)), c.want);
    });
  }
});
