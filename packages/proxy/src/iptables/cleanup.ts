// Removes everything the proxy made (skiff-proxy --cleanup): the jumps from built-in chains into
// its chains, then its chains (flushed, then deleted), in one restore per table. Chains it did not
// make (other SKIFF- chains such as the pod network's) are left alone.
import { isProxyChain } from './chain-names.js';
import type { Table } from './fixed-rules.js';
import type { Iptables } from './iptables.js';
import { splitRule } from './rule-line.js';
import { parseSavedTable } from './saved-tables.js';

/** Removes the proxy's jumps and chains; returns how many chains were deleted. */
export async function cleanup(iptables: Iptables): Promise<number> {
  let deleted = 0;
  for (const table of ['filter', 'nat', 'mangle'] as const satisfies readonly Table[]) {
    const chains = parseSavedTable(await iptables.save(table));
    const lines: string[] = [`*${table}`];
    const ours = [...chains.keys()].filter(isProxyChain);
    for (const c of ours) lines.push(`:${c} - [0:0]`);
    for (const [name, chain] of chains) {
      if (isProxyChain(name)) continue;
      for (const rule of chain.rules) {
        const args = splitRule(rule);
        const target = args[args.indexOf('-j') + 1];
        if (args.includes('-j') && target !== undefined && isProxyChain(target)) lines.push(rule.replace(/^-A /, '-D '));
      }
    }
    for (const c of ours) lines.push(`-X ${c}`);
    if (lines.length === 1) continue;
    lines.push('COMMIT');
    await iptables.restore(lines.join('\n') + '\n');
    deleted += ours.length;
  }
  return deleted;
}
