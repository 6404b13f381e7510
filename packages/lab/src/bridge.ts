// The lab's Linux bridge on the host: every node's veth is a port of it; the host's address on it is
// every node's default gateway.
import { command, type Command } from './command.js';
import type { IpLink } from './ip-link.js';

export interface BridgeSpec {
  bridge: string;
  /** e.g. 10.200.0.1/24 */
  address: string;
}

export function planBridge(observed: IpLink | undefined, want: BridgeSpec): Command[] {
  const plan: Command[] = [];
  if (!observed) plan.push(command('ip', 'link', 'add', want.bridge, 'type', 'bridge'));
  if (!observed?.addrs.includes(want.address)) plan.push(command('ip', 'addr', 'replace', want.address, 'dev', want.bridge));
  if (!observed?.flags.includes('UP')) plan.push(command('ip', 'link', 'set', want.bridge, 'up'));
  return plan;
}

export function planRemoveBridge(observed: IpLink | undefined): Command[] {
  return observed ? [command('ip', 'link', 'del', observed.ifname)] : [];
}

/** The host must forward for nodes to reach what the host reaches (Docker sets the same). */
export function planHostForwarding(ipForward: string): Command[] {
  return ipForward.trim() === '1' ? [] : [command('sysctl', '-qw', 'net.ipv4.ip_forward=1')];
}
