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
  /** the chain's rules as `-A CHAIN ...` lines (as `iptables-save` prints them), undefined when it does not exist */
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

/** One table's chains and rules from `iptables-save` output: chain name to its `-A` lines. */
function parseSaveTable(save: string, table: string): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  let inTable = false;
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) inTable = line.slice(1).trim() === table;
    else if (!inTable) continue;
    else if (line.startsWith(':')) chains.set(line.slice(1).split(' ')[0]!, []);
    else if (line.startsWith('-A ')) chains.get(line.split(' ')[1]!)?.push(line);
  }
  return chains;
}

function observeChain(save: string, table: string, hook: string, chain: string): ChainObservation {
  const chains = parseSaveTable(save, table);
  return {
    rules: chains.get(chain),
    // what `iptables -C HOOK -j CHAIN` finds: an unconditional jump
    jumpPresent: (chains.get(hook) ?? []).includes(`-A ${hook} -j ${chain}`),
  };
}

/** The lab's chains and jumps, read with one `iptables-save` (a table iptables never used has none). */
export async function observeLabRules(runner: Runner, s: Pick<LabRulesSpec, 'forwardChain' | 'natChain'>): Promise<LabRulesObservation> {
  const r = await runner.run('iptables-save', [], { allowFail: true });
  const save = r.code === 0 ? r.stdout : '';
  return {
    forward: observeChain(save, 'filter', 'FORWARD', s.forwardChain),
    nat: observeChain(save, 'nat', 'POSTROUTING', s.natChain),
  };
}
