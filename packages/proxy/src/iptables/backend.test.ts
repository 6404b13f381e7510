import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseBackend, detectBackend, type BackendEvidence } from './backend.js';
import type { RunCommand } from './exec-iptables.js';
import type { Backend } from './iptables.js';

void describe('iptables backend detection', () => {
  const none: BackendEvidence = { nftHint: false, legacyHint: false, nftRules: 0, legacyRules: 0 };
  const cases: { name: string; e: BackendEvidence; want: Backend }[] = [
    { name: 'a hint chain in nft mangle wins', e: { ...none, nftHint: true, legacyHint: true, legacyRules: 50 }, want: 'nft' },
    { name: 'a hint chain in legacy mangle', e: { ...none, legacyHint: true, nftRules: 50 }, want: 'legacy' },
    { name: '10 or more legacy rules', e: { ...none, legacyRules: 10, nftRules: 40 }, want: 'legacy' },
    { name: 'more nft rules', e: { ...none, legacyRules: 2, nftRules: 9 }, want: 'nft' },
    { name: 'more legacy rules (few)', e: { ...none, legacyRules: 3, nftRules: 1 }, want: 'legacy' },
    { name: 'no rules at all: nft', e: none, want: 'nft' },
  ];
  for (const c of cases) void it(c.name, () => assert.equal(chooseBackend(c.e), c.want));

  void it('reads both backends\' iptables-save (a missing binary counts as empty)', async () => {
    const outputs: Record<string, string> = {
      'iptables-nft-save -t mangle': '*mangle\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n',
      'iptables-nft-save': '*filter\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\nCOMMIT\n',
    };
    const run: RunCommand = (cmd, args) => {
      const out = outputs[[cmd, ...args].join(' ')];
      if (cmd.includes('legacy')) return Promise.reject(new Error('not installed'));
      return Promise.resolve({ code: out === undefined ? 1 : 0, stdout: out ?? '', stderr: '' });
    };
    assert.equal(await detectBackend(run), 'nft');
    outputs['iptables-nft-save -t mangle'] = '*mangle\n:SKIFF-PROXY-CANARY - [0:0]\nCOMMIT\n';
    assert.equal(await detectBackend(run), 'nft');
  });

  void it('reads no legacy table when the kernel has none (reading one would create it)', async () => {
    const calls: string[] = [];
    const legacy = '*filter\n' + '-A INPUT -j ACCEPT\n'.repeat(12) + 'COMMIT\n';
    const run = (tables: string): RunCommand => (cmd) => {
      calls.push(cmd);
      const out = cmd === 'cat' ? tables : cmd === 'iptables-legacy-save' ? legacy : '';
      return Promise.resolve({ code: 0, stdout: out, stderr: '' });
    };
    assert.equal(await detectBackend(run('')), 'nft');
    assert.ok(!calls.includes('iptables-legacy-save'));
    assert.equal(await detectBackend(run('filter\n')), 'legacy');
  });
});
