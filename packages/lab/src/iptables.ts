// The lab's host iptables rules, all in its own SKIFF- chains: forwarding for the lab bridge (the
// host's FORWARD policy is DROP once any dockerd ran) and masquerade of lab traffic leaving the
// machine. The only rules outside those chains are the two jumps into them.
import { command, type Command } from './command.js';
import type { Runner } from './exec.js';

export interface LabRulesSpec {
  bridge: string;
  subnet: string;
  forwardChain: string;
  natChain: string;
}

export interface ChainObservation {
  /** `iptables -S CHAIN` lines, undefined when the chain does not exist */
  rules: string[] | undefined;
  jumpPresent: boolean;
}

export interface LabRulesObservation {
  forward: ChainObservation;
  nat: ChainObservation;
}

interface ChainSpec {
  table: 'filter' | 'nat';
  hook: string;
  chain: string;
  rules: string[];
}

function chains(s: LabRulesSpec): { forward: ChainSpec; nat: ChainSpec } {
  return {
    forward: {
      table: 'filter',
      hook: 'FORWARD',
      chain: s.forwardChain,
      rules: [
        `-A ${s.forwardChain} -i ${s.bridge} -j ACCEPT`,
        `-A ${s.forwardChain} -o ${s.bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      ],
    },
    nat: {
      table: 'nat',
      hook: 'POSTROUTING',
      chain: s.natChain,
      rules: [`-A ${s.natChain} -s ${s.subnet} ! -o ${s.bridge} -j MASQUERADE`],
    },
  };
}

function ipt(table: string, ...args: string[]): Command {
  return command('iptables', '-w', '-t', table, ...args);
}

function planChain(o: ChainObservation, c: ChainSpec): Command[] {
  const plan: Command[] = [];
  const current = o.rules?.filter((l) => l.startsWith('-A ')) ?? [];
  if (o.rules === undefined) plan.push(ipt(c.table, '-N', c.chain));
  if (current.join('\n') !== c.rules.join('\n')) {
    if (current.length > 0) plan.push(ipt(c.table, '-F', c.chain));
    for (const r of c.rules) plan.push(ipt(c.table, ...r.split(' ')));
  }
  if (!o.jumpPresent) plan.push(ipt(c.table, '-I', c.hook, '1', '-j', c.chain));
  return plan;
}

export function planLabRules(o: LabRulesObservation, s: LabRulesSpec): Command[] {
  const c = chains(s);
  return [...planChain(o.forward, c.forward), ...planChain(o.nat, c.nat)];
}

function planRemoveChain(o: ChainObservation, table: string, hook: string, chain: string): Command[] {
  const plan: Command[] = [];
  if (o.jumpPresent) plan.push(ipt(table, '-D', hook, '-j', chain));
  if (o.rules !== undefined) plan.push(ipt(table, '-F', chain), ipt(table, '-X', chain));
  return plan;
}

export function planRemoveLabRules(o: LabRulesObservation, s: Pick<LabRulesSpec, 'forwardChain' | 'natChain'>): Command[] {
  return [
    ...planRemoveChain(o.forward, 'filter', 'FORWARD', s.forwardChain),
    ...planRemoveChain(o.nat, 'nat', 'POSTROUTING', s.natChain),
  ];
}

async function observeChain(runner: Runner, table: string, hook: string, chain: string): Promise<ChainObservation> {
  const s = await runner.run('iptables', ['-w', '-t', table, '-S', chain], { allowFail: true });
  const j = await runner.run('iptables', ['-w', '-t', table, '-C', hook, '-j', chain], { allowFail: true });
  return {
    rules: s.code === 0 ? s.stdout.split('\n').filter((l) => l.length > 0) : undefined,
    jumpPresent: j.code === 0,
  };
}

export async function observeLabRules(runner: Runner, s: Pick<LabRulesSpec, 'forwardChain' | 'natChain'>): Promise<LabRulesObservation> {
  return {
    forward: await observeChain(runner, 'filter', 'FORWARD', s.forwardChain),
    nat: await observeChain(runner, 'nat', 'POSTROUTING', s.natChain),
  };
}
