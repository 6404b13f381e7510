// The proxy's fixed chains and the jumps into them from the built-in chains, as kube-proxy's
// (mark-and-masquerade: SKIFF-MARK-MASQ sets the mark bit, SKIFF-POSTROUTING masquerades marked
// packets once and clears the bit; SKIFF-FORWARD accepts marked and established forwarded traffic).
import {
  CANARY_CHAIN,
  EXTERNAL_SERVICES_CHAIN,
  FORWARD_CHAIN,
  MARK_MASQ_CHAIN,
  NODEPORTS_CHAIN,
  POSTROUTING_CHAIN,
  SERVICES_CHAIN,
} from './chain-names.js';
import { appendRule, comment, ruleLine } from './rule-line.js';

export type Table = 'filter' | 'nat' | 'mangle';

/** Kube-proxy's default masquerade bit (--iptables-masquerade-bit 14): mark 0x4000. */
export const DEFAULT_MASQUERADE_BIT = 14;

export interface Jump {
  table: Table;
  /** The built-in chain jumping into ours. */
  hook: string;
  chain: string;
  args: string[];
}

const NEW = ['-m', 'conntrack', '--ctstate', 'NEW'];

/** Jumps from the built-in chains, each inserted first in its hook once (kube-proxy's iptablesJumpChains). */
export const JUMPS: readonly Jump[] = [
  { table: 'filter', hook: 'INPUT', chain: EXTERNAL_SERVICES_CHAIN, args: [...NEW, ...comment('kubernetes externally-visible service portals')] },
  { table: 'filter', hook: 'FORWARD', chain: EXTERNAL_SERVICES_CHAIN, args: [...NEW, ...comment('kubernetes externally-visible service portals')] },
  { table: 'filter', hook: 'FORWARD', chain: SERVICES_CHAIN, args: [...NEW, ...comment('kubernetes service portals')] },
  { table: 'filter', hook: 'OUTPUT', chain: SERVICES_CHAIN, args: [...NEW, ...comment('kubernetes service portals')] },
  { table: 'filter', hook: 'FORWARD', chain: FORWARD_CHAIN, args: comment('kubernetes forwarding rules') },
  { table: 'nat', hook: 'OUTPUT', chain: SERVICES_CHAIN, args: comment('kubernetes service portals') },
  { table: 'nat', hook: 'PREROUTING', chain: SERVICES_CHAIN, args: comment('kubernetes service portals') },
  { table: 'nat', hook: 'POSTROUTING', chain: POSTROUTING_CHAIN, args: comment('kubernetes postrouting rules') },
];

/** The jump as an insert line for iptables-restore. */
export function jumpLine(j: Jump): string {
  return ruleLine('-I', j.hook, '1', ...j.args, '-j', j.chain);
}

/** The tables with the canary chain (its absence means someone flushed the tables). */
export const CANARY_TABLES: readonly Table[] = ['mangle', 'nat', 'filter'];

/** The fixed chains' rules per table (written on every full sync). */
export function fixedChains(masqueradeBit: number = DEFAULT_MASQUERADE_BIT): Record<Table, Map<string, string[]>> {
  const mark = `0x${(1 << masqueradeBit).toString(16)}`;
  return {
    mangle: new Map([[CANARY_CHAIN, []]]),
    nat: new Map([
      [CANARY_CHAIN, []],
      [MARK_MASQ_CHAIN, [appendRule(MARK_MASQ_CHAIN, '-j', 'MARK', '--or-mark', mark)]],
      [
        POSTROUTING_CHAIN,
        [
          appendRule(POSTROUTING_CHAIN, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN'),
          appendRule(POSTROUTING_CHAIN, '-j', 'MARK', '--xor-mark', mark),
          appendRule(POSTROUTING_CHAIN, ...comment('kubernetes service traffic requiring SNAT'), '-j', 'MASQUERADE'),
        ],
      ],
    ]),
    filter: new Map([
      [CANARY_CHAIN, []],
      [
        FORWARD_CHAIN,
        [
          appendRule(FORWARD_CHAIN, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP'),
          appendRule(FORWARD_CHAIN, ...comment('kubernetes forwarding rules'), '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT'),
          appendRule(FORWARD_CHAIN, ...comment('kubernetes forwarding conntrack rule'), '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
        ],
      ],
    ]),
  };
}

/**
 * The last rules of nat SKIFF-SERVICES: node-local destinations go on to the node ports; with
 * --nodeport-addresses, only the listed local addresses (one rule each, none when none is local).
 */
export function nodePortsJumps(nodePortIPs?: readonly string[]): string[] {
  const note = comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain');
  if (nodePortIPs === undefined) return [appendRule(SERVICES_CHAIN, ...note, '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', NODEPORTS_CHAIN)];
  return nodePortIPs.map((ip) => appendRule(SERVICES_CHAIN, ...note, '-d', `${ip}/32`, '-j', NODEPORTS_CHAIN));
}
