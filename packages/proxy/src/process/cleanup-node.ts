// skiff-proxy --cleanup: removes what the proxy made on this node (its jumps and chains, in the
// backend the flag names, or the one its canary chain is found in; the cluster DNS address it
// added to lo) and exits.
import { removeDnsAddresses } from '../dns/dns-address.js';
import { cleanup } from '../iptables/cleanup.js';
import { spawnCommand, type RunCommand } from '../iptables/exec-iptables.js';
import { nodeIptables } from '../run.js';
import type { ProxyRunConfig } from './run-config.js';

export interface CleanupResult {
  backend: string;
  chainsDeleted: number;
  dnsAddressesRemoved: string[];
}

export async function cleanupNode(config: Pick<ProxyRunConfig, 'iptables' | 'iptablesBackend'>, run: RunCommand = spawnCommand()): Promise<CleanupResult> {
  const iptables = await nodeIptables(config);
  const chainsDeleted = await cleanup(iptables);
  return { backend: iptables.backend, chainsDeleted, dnsAddressesRemoved: await removeDnsAddresses(run) };
}
