// skiff-proxy --cleanup: removes what the proxy made on this node (its jumps and chains, in the
// backend the flag names, or the one its canary chain is found in) and exits.
import { cleanup } from '../iptables/cleanup.js';
import { nodeIptables } from '../run.js';
import type { ProxyRunConfig } from './run-config.js';

export interface CleanupResult {
  backend: string;
  chainsDeleted: number;
}

export async function cleanupNode(config: Pick<ProxyRunConfig, 'iptables' | 'iptablesBackend'>): Promise<CleanupResult> {
  const iptables = await nodeIptables(config);
  return { backend: iptables.backend, chainsDeleted: await cleanup(iptables) };
}
