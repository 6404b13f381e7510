import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeIptables } from './fake-iptables.js';

void describe('fake iptables', () => {
  const refused: { name: string; payload: string; error: RegExp }[] = [
    { name: 'a jump to a chain that does not exist', payload: '*nat\n-A PREROUTING -j SKIFF-NOPE\nCOMMIT\n', error: /no chain\/target SKIFF-NOPE/ },
    { name: 'a rule in a chain that does not exist', payload: '*nat\n-A SKIFF-NOPE -j ACCEPT\nCOMMIT\n', error: /no chain SKIFF-NOPE/ },
    { name: 'deleting a chain in use', payload: '*nat\n:A - [0:0]\n-A PREROUTING -j A\n-X A\nCOMMIT\n', error: /referenced/ },
    { name: 'deleting a chain with rules', payload: '*nat\n:A - [0:0]\n-A A -j ACCEPT\n-X A\nCOMMIT\n', error: /not empty/ },
    { name: 'deleting a built-in chain', payload: '*nat\n-X PREROUTING\nCOMMIT\n', error: /built-in/ },
    { name: 'deleting a rule that is not there', payload: '*nat\n-D PREROUTING -j ACCEPT\nCOMMIT\n', error: /no such rule/ },
    { name: 'a missing COMMIT', payload: '*nat\n:A - [0:0]\n', error: /missing COMMIT/ },
  ];
  for (const c of refused)
    void it(`refuses ${c.name}, changing nothing`, async () => {
      const f = new FakeIptables();
      const before = await f.save();
      await assert.rejects(f.restore(c.payload), c.error);
      assert.equal(await f.save(), before);
    });

  void it('declaring a chain flushes it (--noflush), -I inserts at a position, -D removes a quoted rule', async () => {
    const f = new FakeIptables();
    await f.restore('*filter\n:A - [0:0]\n-A A -j ACCEPT\n-A A -j DROP\n-A INPUT -m comment --comment "x y" -j A\nCOMMIT\n');
    await f.restore('*filter\n:A - [0:0]\n-A A -j RETURN\n-I INPUT 1 -j ACCEPT\n-D INPUT -m comment --comment "x y" -j A\nCOMMIT\n');
    assert.deepEqual(f.chains('filter').get('A'), ['-A A -j RETURN']);
    assert.deepEqual(f.chains('filter').get('INPUT'), ['-A INPUT -j ACCEPT']);
  });
});
