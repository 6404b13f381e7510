import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCommand } from './command.js';
import { FakeRunner } from './fake-runner.js';
import { observeLabRules, planLabRules, planRemoveLabRules, type LabRulesObservation } from './iptables.js';

const spec = { bridge: 'sk-abc-br', subnet: '10.200.0.0/24', forwardChain: 'SKIFF-LAB-ABC-FWD', natChain: 'SKIFF-LAB-ABC-NAT' };
const fwdRules = [
  '-N SKIFF-LAB-ABC-FWD',
  '-A SKIFF-LAB-ABC-FWD -i sk-abc-br -j ACCEPT',
  '-A SKIFF-LAB-ABC-FWD -o sk-abc-br -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
];
const natRules = ['-N SKIFF-LAB-ABC-NAT', '-A SKIFF-LAB-ABC-NAT -s 10.200.0.0/24 ! -o sk-abc-br -j MASQUERADE'];
const complete: LabRulesObservation = { forward: { rules: fwdRules, jumpPresent: true }, nat: { rules: natRules, jumpPresent: true } };
const nothing: LabRulesObservation = { forward: { rules: undefined, jumpPresent: false }, nat: { rules: undefined, jumpPresent: false } };

void describe('planLabRules', () => {
  const cases: { name: string; observed: LabRulesObservation; want: string[] }[] = [
    {
      name: 'from nothing: own chains, then one jump each',
      observed: nothing,
      want: [
        'iptables -w -t filter -N SKIFF-LAB-ABC-FWD',
        'iptables -w -t filter -A SKIFF-LAB-ABC-FWD -i sk-abc-br -j ACCEPT',
        'iptables -w -t filter -A SKIFF-LAB-ABC-FWD -o sk-abc-br -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        'iptables -w -t filter -I FORWARD 1 -j SKIFF-LAB-ABC-FWD',
        'iptables -w -t nat -N SKIFF-LAB-ABC-NAT',
        'iptables -w -t nat -A SKIFF-LAB-ABC-NAT -s 10.200.0.0/24 ! -o sk-abc-br -j MASQUERADE',
        'iptables -w -t nat -I POSTROUTING 1 -j SKIFF-LAB-ABC-NAT',
      ],
    },
    { name: 'complete: nothing to do', observed: complete, want: [] },
    {
      name: 'jump removed by someone',
      observed: { ...complete, forward: { rules: fwdRules, jumpPresent: false } },
      want: ['iptables -w -t filter -I FORWARD 1 -j SKIFF-LAB-ABC-FWD'],
    },
    {
      name: 'chain drifted: flushed and rewritten',
      observed: { ...complete, nat: { rules: ['-N SKIFF-LAB-ABC-NAT', '-A SKIFF-LAB-ABC-NAT -j ACCEPT'], jumpPresent: true } },
      want: ['iptables -w -t nat -F SKIFF-LAB-ABC-NAT', 'iptables -w -t nat -A SKIFF-LAB-ABC-NAT -s 10.200.0.0/24 ! -o sk-abc-br -j MASQUERADE'],
    },
  ];
  for (const c of cases) void it(c.name, () => assert.deepEqual(planLabRules(c.observed, spec).map(formatCommand), c.want));

  void it('only ever names SKIFF- chains (besides the two jumps)', () => {
    for (const c of planLabRules(nothing, spec)) {
      const chain = c.args[c.args.indexOf('-t') + 3] ?? '';
      assert.ok(chain.startsWith('SKIFF-') || ['FORWARD', 'POSTROUTING'].includes(chain), formatCommand(c));
      if (!chain.startsWith('SKIFF-')) assert.deepEqual(c.args.slice(-2), ['-j', chain === 'FORWARD' ? spec.forwardChain : spec.natChain]);
    }
  });
});

void describe('planRemoveLabRules', () => {
  void it('removes jumps, then flushes and deletes the chains', () => {
    assert.deepEqual(planRemoveLabRules(complete, spec).map(formatCommand), [
      'iptables -w -t filter -D FORWARD -j SKIFF-LAB-ABC-FWD',
      'iptables -w -t filter -F SKIFF-LAB-ABC-FWD',
      'iptables -w -t filter -X SKIFF-LAB-ABC-FWD',
      'iptables -w -t nat -D POSTROUTING -j SKIFF-LAB-ABC-NAT',
      'iptables -w -t nat -F SKIFF-LAB-ABC-NAT',
      'iptables -w -t nat -X SKIFF-LAB-ABC-NAT',
    ]);
  });
  void it('is empty when nothing is left', () => assert.deepEqual(planRemoveLabRules(nothing, spec), []));
});

void describe('observeLabRules', () => {
  void it('reads chains and jumps through the runner', async () => {
    const runner = new FakeRunner({
      'iptables -w -t filter -S SKIFF-LAB-ABC-FWD': { stdout: fwdRules.join('\n') + '\n' },
      'iptables -w -t nat -S SKIFF-LAB-ABC-NAT': { code: 1 },
      'iptables -w -t nat -C POSTROUTING -j SKIFF-LAB-ABC-NAT': { code: 1 },
    });
    const o = await observeLabRules(runner, spec);
    assert.deepEqual(o, { forward: { rules: fwdRules, jumpPresent: true }, nat: { rules: undefined, jumpPresent: false } });
  });
});
