// The pod network's iptables rules, all in two chains of its own (nothing else is ever touched but
// the two jumps into them), planned from one `iptables-save` and written with one
// `iptables-restore --noflush` (pure functions; the host network runs them):
//   filter SKIFF-PODNET-FWD, jumped to from DOCKER-USER (or FORWARD when Docker manages no
//     iptables): accept forwarded traffic from and to the cluster CIDR, which Docker's FORWARD
//     policy DROP would otherwise drop when it arrives from another node;
//   nat SKIFF-PODNET-MASQ, jumped to from POSTROUTING: pod traffic to the cluster CIDR keeps its pod
//     IP; pod traffic leaving the cluster (not multicast) is masqueraded.
import { formatCidr, parseCidr } from './cidr.js';

export const FORWARD_CHAIN = 'SKIFF-PODNET-FWD';
export const MASQUERADE_CHAIN = 'SKIFF-PODNET-MASQ';
const DOCKER_USER = 'DOCKER-USER';

export interface RulesSpec {
  podCIDR: string;
  clusterCIDR: string;
}

/** table -> chain -> its rules as `-A CHAIN ...` lines, from `iptables-save` */
export type SavedTables = Map<string, Map<string, string[]>>;

export function parseSave(text: string): SavedTables {
  const tables: SavedTables = new Map();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) tables.set(line.slice(1), (current = new Map()));
    else if (!current) continue;
    else if (line.startsWith(':')) current.set(line.slice(1).split(' ')[0] ?? '', []);
    else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      if (!current.has(chain)) current.set(chain, []);
      current.get(chain)?.push(line);
    }
  }
  return tables;
}

interface ChainPlan {
  table: 'filter' | 'nat';
  chain: string;
  hook: string;
  rules: string[];
}

function chainPlans(spec: RulesSpec, saved: SavedTables): ChainPlan[] {
  const pod = formatCidr(parseCidr(spec.podCIDR, 'podCIDR'));
  const cluster = formatCidr(parseCidr(spec.clusterCIDR, 'clusterCIDR'));
  const hook = saved.get('filter')?.has(DOCKER_USER) ? DOCKER_USER : 'FORWARD';
  return [
    {
      table: 'filter',
      chain: FORWARD_CHAIN,
      hook,
      rules: [`-A ${FORWARD_CHAIN} -s ${cluster} -j ACCEPT`, `-A ${FORWARD_CHAIN} -d ${cluster} -j ACCEPT`],
    },
    {
      table: 'nat',
      chain: MASQUERADE_CHAIN,
      hook: 'POSTROUTING',
      rules: [`-A ${MASQUERADE_CHAIN} -s ${pod} -d ${cluster} -j RETURN`, `-A ${MASQUERADE_CHAIN} -s ${pod} ! -d 224.0.0.0/4 -j MASQUERADE`],
    },
  ];
}

function jump(plan: { hook: string; chain: string }): string {
  return `-A ${plan.hook} -j ${plan.chain}`;
}

/** What differs from the wanted rules, in words (empty when all is in place). */
export function rulesDrift(spec: RulesSpec, saved: SavedTables): string[] {
  const drift: string[] = [];
  for (const p of chainPlans(spec, saved)) {
    const t = saved.get(p.table);
    const have = t?.get(p.chain);
    if (!have) drift.push(`${p.table} chain ${p.chain} is missing`);
    else if (have.join('\n') !== p.rules.join('\n')) drift.push(`${p.table} chain ${p.chain} differs`);
    if (!t?.get(p.hook)?.includes(jump(p))) drift.push(`${p.table} ${p.hook} does not jump to ${p.chain}`);
  }
  return drift;
}

/** The `iptables-restore --noflush` input that puts the rules in place, or undefined when they are. */
export function restorePayload(spec: RulesSpec, saved: SavedTables): string | undefined {
  if (rulesDrift(spec, saved).length === 0) return undefined;
  const lines: string[] = [];
  for (const p of chainPlans(spec, saved)) {
    lines.push(`*${p.table}`, `:${p.chain} - [0:0]`, ...p.rules);
    if (!saved.get(p.table)?.get(p.hook)?.includes(jump(p))) lines.push(`-I ${p.hook} 1 -j ${p.chain}`);
    lines.push('COMMIT');
  }
  return `${lines.join('\n')}\n`;
}

/** `iptables` argument lists that remove the jumps and the chains (only those that exist). */
export function cleanupCommands(saved: SavedTables): string[][] {
  const cmds: string[][] = [];
  for (const [table, chain] of [['filter', FORWARD_CHAIN], ['nat', MASQUERADE_CHAIN]] as const) {
    const t = saved.get(table);
    if (!t) continue;
    for (const [hook, rules] of t) {
      for (const r of rules) if (r === `-A ${hook} -j ${chain}`) cmds.push(['-w', '-t', table, '-D', hook, '-j', chain]);
    }
    if (t.has(chain)) cmds.push(['-w', '-t', table, '-F', chain], ['-w', '-t', table, '-X', chain]);
  }
  return cmds;
}
