// The cluster DNS address on the node. The agent writes it into every pod's resolv.conf; the proxy
// serves DNS on it. Scheme (as NodeLocal DNSCache, 169.254.20.10 by default): a link-local /32
// on the node's loopback device, labelled `lo:skiff-dns`. A pod behind the node's Docker bridge
// sends to it through its default route (the bridge's gateway, on this node), and the node
// delivers it locally, so each node answers its own pods without a DNAT rule, an extra hop or a
// dependency on the proxy's rules being in place. A dummy interface (NodeLocal DNSCache's choice)
// needs the `dummy` kernel module, which lab nodes on this machine do not have. An address that is
// already on the node (any device) is used as it is and never removed.
import type { RunCommand } from '../iptables/exec-iptables.js';

export const DNS_ADDRESS_LABEL = 'lo:skiff-dns';

export class DnsAddressError extends Error {
  override readonly name = 'DnsAddressError';
}

/** Adds `ip` to the loopback device unless the node has it; true when it was added. */
export async function ensureDnsAddress(run: RunCommand, ip: string): Promise<boolean> {
  const shown = await run('ip', ['-o', 'addr', 'show', 'to', `${ip}/32`]);
  if (shown.code === 0 && shown.stdout.trim() !== '') return false;
  const added = await run('ip', ['addr', 'add', `${ip}/32`, 'dev', 'lo', 'label', DNS_ADDRESS_LABEL]);
  if (added.code !== 0) throw new DnsAddressError(`cannot add the cluster DNS address ${ip} to lo: ${added.stderr.trim()}`);
  const up = await run('ip', ['link', 'set', 'lo', 'up']);
  if (up.code !== 0) throw new DnsAddressError(`cannot bring lo up: ${up.stderr.trim()}`);
  return true;
}

/** Removes the addresses the proxy added (those labelled lo:skiff-dns); returns them. */
export async function removeDnsAddresses(run: RunCommand): Promise<string[]> {
  const shown = await run('ip', ['-o', '-4', 'addr', 'show', 'dev', 'lo', 'label', DNS_ADDRESS_LABEL]);
  const ips = [...shown.stdout.matchAll(/\binet\s+(\S+)/g)].map((m) => m[1] ?? '').filter(Boolean);
  for (const cidr of ips) {
    const r = await run('ip', ['addr', 'del', cidr, 'dev', 'lo', 'label', DNS_ADDRESS_LABEL]);
    if (r.code !== 0) throw new DnsAddressError(`cannot remove the cluster DNS address ${cidr} from lo: ${r.stderr.trim()}`);
  }
  return ips.map((c) => c.replace(/\/32$/, ''));
}
