// Strings that are not UTF-8 are refused by the decoder's own check (wire-check.ts), wherever the API carries a
// string, with protobufjs left as it ships (no patched Reader): the inputs the old patch of
// protobufjs' Reader.prototype.string refused are still refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { protoRoot, protoType } from './proto-root.js';
import { decodeWire, encodeWire, MalformedWire } from './wire-codec.js';

// protobufjs' own string reader, before anything of the API is loaded.
const libraryString = protobuf.Reader.prototype.string;

/** Bad byte sequences, each replacing a same-length ASCII marker in a well-formed message. */
const badBytes: Record<string, number[]> = {
  'a byte that never occurs in UTF-8': [0xff, 0x41],
  'a lone continuation byte': [0x80, 0x41],
  'an overlong encoding of NUL': [0xc0, 0x80],
  'a surrogate half (CESU-8)': [0xed, 0xa0, 0x80],
  'a truncated three-byte sequence': [0xe2, 0x82, 0x41],
  'a code point above U+10FFFF': [0xf4, 0x90, 0x80, 0x80],
};

/** Where the API carries strings: the message, a value holding `marker` there. */
const places: { name: string; type: string; value: (marker: string) => unknown }[] = [
  { name: 'a request field (GetRequest.name)', type: 'skiff.v1.GetRequest', value: (m) => ({ resource: 'pods', namespace: 'default', name: m }) },
  { name: 'an object name', type: 'skiff.v1.Object', value: (m) => ({ kind: 'ConfigMap', metadata: { name: m } }) },
  { name: 'a map key (label)', type: 'skiff.v1.Object', value: (m) => ({ kind: 'ConfigMap', metadata: { name: 'cm', labels: { [m]: 'v' } } }) },
  { name: 'a map value (ConfigMap data)', type: 'skiff.v1.Object', value: (m) => ({ kind: 'ConfigMap', metadata: { name: 'cm' }, data: { k: m } }) },
  { name: 'a repeated string (finalizers)', type: 'skiff.v1.Object', value: (m) => ({ kind: 'ConfigMap', metadata: { name: 'cm', finalizers: ['a/b', m] } }) },
  {
    name: 'a nested message in a list (container image)',
    type: 'skiff.v1.Object',
    value: (m) => ({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: m }] } }),
  },
  {
    name: 'an object inside a request (CreateRequest)',
    type: 'skiff.v1.CreateRequest',
    value: (m) => ({ object: { kind: 'Service', metadata: { name: 's', annotations: { note: m } } } }),
  },
  { name: 'a list item', type: 'skiff.v1.ListResponse', value: (m) => ({ resourceVersion: '1', items: [{ kind: 'Namespace', metadata: { name: m } }] }) },
  { name: 'a watch event type', type: 'skiff.v1.WatchEvent', value: (m) => ({ type: m }) },
];

/** `value`'s bytes with the marker's bytes replaced by `bad`. */
function withBadBytes(type: protobuf.Type, value: (marker: string) => unknown, bad: number[]): Buffer {
  const marker = 'Q'.repeat(bad.length);
  const bytes = encodeWire(type, value(marker), []);
  assert.ok(bytes, `${type.name} encodes`);
  const at = bytes.indexOf(marker);
  assert.ok(at >= 0 && bytes.indexOf(marker, at + 1) < 0, 'the marker occurs once');
  const out = Buffer.from(bytes);
  out.set(bad, at);
  return out;
}

describe('strings that are not UTF-8', () => {
  for (const place of places) {
    for (const [what, bad] of Object.entries(badBytes)) {
      it(`${place.name}: ${what} is refused`, () => {
        const type = protoType(place.type);
        const marker = 'Q'.repeat(bad.length);
        assert.doesNotThrow(() => decodeWire(type, encodeWire(type, place.value(marker), [])!), 'the same message with ASCII decodes');
        assert.throws(() => decodeWire(type, withBadBytes(type, place.value, bad)), (e) => e instanceof MalformedWire && /not valid UTF-8/.test(e.message));
      });
    }
  }

  it('valid multi-byte UTF-8 in the same places decodes unchanged', () => {
    const text = 'caf\u00e9 \u2615 \ud83d\ude80';
    for (const place of places) {
      const type = protoType(place.type);
      assert.ok(JSON.stringify(decodeWire(type, encodeWire(type, place.value(text), [])!)).includes(text), place.name);
    }
  });

  it('loading the API leaves protobufjs as it ships (its own decode replaces bad bytes, it does not throw)', () => {
    protoRoot();
    assert.equal(protobuf.Reader.prototype.string, libraryString);
    const type = protoType('skiff.v1.GetRequest');
    const bytes = withBadBytes(type, (m) => ({ resource: 'pods', name: m }), [0xff, 0x41]);
    assert.equal((type.decode(bytes) as unknown as { name: string }).name, '\ufffdA');
  });
});
