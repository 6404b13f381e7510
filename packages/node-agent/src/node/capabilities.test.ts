import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAP_SYS_RESOURCE, hasCapability, minOomScoreAdj } from './capabilities.js';

void describe('capabilities', () => {
  const status = (capEff: string) => `Name:\tnode\nCapInh:\t0000000000000000\nCapEff:\t${capEff}\nCapBnd:\t${capEff}\n`;
  const cases: { name: string; capEff: string; sysResource: boolean; minOom: number }[] = [
    { name: 'every capability', capEff: '000001ffffffffff', sysResource: true, minOom: -1000 },
    { name: 'all but CAP_SYS_RESOURCE (a VM like this one)', capEff: '000001fffeffffff', sysResource: false, minOom: 0 },
    { name: 'none', capEff: '0000000000000000', sysResource: false, minOom: 0 },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      assert.equal(hasCapability(status(c.capEff), CAP_SYS_RESOURCE), c.sysResource);
      assert.equal(minOomScoreAdj(status(c.capEff)), c.minOom);
    });
  }
  void it('a status without CapEff has none', () => assert.equal(hasCapability('Name:\tx\n', 0), false));
});
