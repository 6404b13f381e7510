import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseManifest, readManifests } from './manifest.js';
import { writeFiles } from './testing/run.js';

interface ParseCase {
  name: string;
  text: string;
  /** [name, line] of each object read. */
  docs: [string, number][];
  errors?: string[];
}

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

const parseCases: ParseCase[] = [
  { name: 'one document', text: cm('a'), docs: [['a', 1]] },
  { name: 'several documents with ---', text: `${cm('a')}---\n${cm('b')}---\n${cm('c')}`, docs: [['a', 1], ['b', 6], ['c', 11]] },
  { name: 'leading --- and empty documents are skipped', text: `---\n---\n${cm('a')}---\n# just a comment\n---\n`, docs: [['a', 3]] },
  {
    name: 'kind: List expands its items with their lines',
    text: 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: y\n',
    docs: [['x', 4], ['y', 8]],
  },
  { name: 'a ConfigMapList is a List too', text: 'kind: ConfigMapList\nitems: []\n', docs: [] },
  { name: 'JSON', text: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"j"}}', docs: [['j', 1]] },
  {
    name: 'bad YAML names the line',
    text: `${cm('a')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   bad: indent\n`,
    docs: [['a', 1]],
    errors: ['f.yaml:9: Nested mappings are not allowed in compact mappings'],
  },
  { name: 'duplicate keys are an error', text: 'kind: ConfigMap\nkind: Secret\n', docs: [], errors: ['f.yaml:2: Map keys must be unique'] },
  { name: 'a scalar document is an error', text: 'hello\n', docs: [], errors: ['f.yaml:1: expected an object with apiVersion and kind, got string'] },
  { name: 'a list document is an error', text: '- a\n- b\n', docs: [], errors: ['f.yaml:1: expected an object with apiVersion and kind, got a list'] },
  { name: 'List with non-list items', text: 'kind: List\nitems: 3\n', docs: [], errors: ['f.yaml:1: List: items must be a list'] },
];

for (const c of parseCases) {
  void test(`parseManifest: ${c.name}`, () => {
    const r = parseManifest(c.text, 'f.yaml');
    assert.deepEqual(
      r.docs.map((d) => [(d.object.metadata as { name: string }).name, d.line]),
      c.docs,
    );
    assert.equal(r.errors.length, (c.errors ?? []).length, r.errors.join('\n'));
    (c.errors ?? []).forEach((e, i) => assert.ok(r.errors[i]!.startsWith(e), `${r.errors[i]} should start with ${e}`));
  });
}

void test('parseManifest: a YAML error message is one line, without the code excerpt', () => {
  const r = parseManifest('a: [1, 2\nb: 3\n', 'bad.yaml');
  assert.equal(r.errors.length > 0, true);
  for (const e of r.errors) {
    assert.match(e, /^bad\.yaml:\d+: /);
    assert.equal(e.includes('\n'), false);
  }
});

const tree = {
  'm/a.yaml': cm('a'),
  'm/b.json': '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}',
  'm/notes.txt': 'not a manifest',
  'm/sub/c.yml': cm('c'),
  'm/sub/deeper/d.yaml': cm('d'),
};

interface ReadCase {
  name: string;
  sources: (dir: string) => string[];
  recursive?: boolean;
  stdin?: string;
  names: string[];
  errors?: RegExp[];
}

const readCases: ReadCase[] = [
  { name: 'a directory: its manifest files, sorted, not descending', sources: (d) => [join(d, 'm')], names: ['a', 'b'] },
  { name: 'a directory with -R descends', sources: (d) => [join(d, 'm')], recursive: true, names: ['a', 'b', 'c', 'd'] },
  { name: 'files in the order given', sources: (d) => [join(d, 'm/sub/c.yml'), join(d, 'm/a.yaml')], names: ['c', 'a'] },
  { name: 'stdin', sources: () => ['-'], stdin: `${cm('s1')}---\n${cm('s2')}`, names: ['s1', 's2'] },
  { name: 'a missing path', sources: (d) => [join(d, 'nope.yaml'), join(d, 'm/a.yaml')], names: ['a'], errors: [/^the path ".*nope\.yaml" does not exist$/] },
  { name: 'an explicitly named file of any extension is read', sources: (d) => [join(d, 'm/notes.txt')], names: [], errors: [/notes\.txt:1: expected an object/] },
];

for (const c of readCases) {
  void test(`readManifests: ${c.name}`, async () => {
    const dir = writeFiles(tree);
    const r = await readManifests(c.sources(dir), { recursive: !!c.recursive, stdin: (async function* () { yield c.stdin ?? ''; })() });
    assert.deepEqual(r.docs.map((d) => (d.object.metadata as { name: string }).name), c.names);
    assert.equal(r.errors.length, (c.errors ?? []).length, r.errors.join('\n'));
    (c.errors ?? []).forEach((re, i) => assert.match(r.errors[i]!, re));
  });
}

void test('readManifests: sources name the file as given', async () => {
  const dir = writeFiles(tree);
  const r = await readManifests([join(dir, 'm')], {});
  assert.equal(r.docs[0]!.source, join(dir, 'm', 'a.yaml'));
  const s = await readManifests(['-'], { stdin: (async function* () { yield cm('x'); })() });
  assert.equal(s.docs[0]!.source, 'STDIN');
});
