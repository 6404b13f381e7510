import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyTable, renderPayload, renderPieces, type TablePayload } from './payload.js';

function tables(): Partial<Record<'filter' | 'nat', TablePayload>> {
  const nat = emptyTable();
  nat.chains.set('SKIFF-SERVICES', ['-A SKIFF-SERVICES -d 10.96.0.10 -j SKIFF-SVC-A']);
  nat.lazy.push({
    names: ['SKIFF-SVC-A', 'SKIFF-SEP-A'],
    rules: () =>
      new Map([
        ['SKIFF-SVC-A', ['-A SKIFF-SVC-A -j SKIFF-SEP-A']],
        ['SKIFF-SEP-A', ['-A SKIFF-SEP-A -j DNAT --to-destination 10.244.1.3:80']],
      ]),
  });
  nat.deletes.push('SKIFF-SEP-OLD');
  const filter = emptyTable();
  filter.extra.push('-I FORWARD 1 -j SKIFF-FORWARD');
  return { filter, nat };
}

const WHOLE = `*filter
-I FORWARD 1 -j SKIFF-FORWARD
COMMIT
*nat
:SKIFF-SERVICES - [0:0]
:SKIFF-SVC-A - [0:0]
:SKIFF-SEP-A - [0:0]
:SKIFF-SEP-OLD - [0:0]
-A SKIFF-SERVICES -d 10.96.0.10 -j SKIFF-SVC-A
-A SKIFF-SVC-A -j SKIFF-SEP-A
-A SKIFF-SEP-A -j DNAT --to-destination 10.244.1.3:80
-X SKIFF-SEP-OLD
COMMIT
`;

void describe('restore payloads', () => {
  void it('whole: declarations (eager, then lazy chains, then deletes), rules, extra, -X, COMMIT per table', () => {
    assert.equal(renderPayload(tables()), WHOLE);
    assert.equal(renderPayload({ nat: emptyTable() }), '', 'nothing to restore');
  });

  for (const size of [1, 40, 200]) {
    void it(`in pieces of ${size} characters: the same text, each piece whole lines`, () => {
      const pieces = [...renderPieces(tables(), size)];
      assert.equal(pieces.join(''), WHOLE);
      for (const p of pieces) assert.match(p, /\n$/);
      if (size === 1) assert.equal(pieces.length > 5, true);
    });
  }

  void it('lazy chains are made only when their rules are read', () => {
    let made = 0;
    const nat = emptyTable();
    nat.lazy.push({ names: ['SKIFF-SVC-B'], rules: () => (made++, new Map([['SKIFF-SVC-B', ['-A SKIFF-SVC-B -j RETURN']]])) });
    const pieces = renderPieces({ nat }, 1);
    pieces.next(); // "*nat" and the declaration
    assert.equal(made, 0);
    assert.equal([...pieces].join('').includes('-A SKIFF-SVC-B -j RETURN'), true);
    assert.equal(made, 1);
  });
});
