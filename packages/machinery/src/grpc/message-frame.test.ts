import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeGrpcMessage, grpcFrame } from './message-frame.js';

test('grpcFrame: the uncompressed flag, the big-endian length, then the bytes', () => {
  for (const message of [new Uint8Array(0), Uint8Array.of(7), new Uint8Array(70_000).fill(3)]) {
    const f = grpcFrame(message);
    assert.equal(f.length, message.length + 5);
    assert.equal(f[0], 0);
    assert.equal(f.readUInt32BE(1), message.length);
    assert.deepEqual(new Uint8Array(f.subarray(5)), message);
  }
});

test('decodeGrpcMessage: percent-decoding, and malformed text left as sent', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['plain text', 'plain text'],
    ['pods %22web%22 already exists', 'pods "web" already exists'],
    ['caf%C3%A9 %25', 'café %'],
    ['100% broken %E0%A4%A', '100% broken %E0%A4%A'],
  ];
  for (const [wire, text] of cases) assert.equal(decodeGrpcMessage(wire), text, wire);
});
