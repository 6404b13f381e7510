// A node's network: a namespace with a veth into the lab bridge (eth0 inside), its own address,
// loopback up, a default route via the bridge and IP forwarding on.
import { command, type Command } from './command.js';
import type { IpLink, IpRoute } from './ip-link.js';

export interface NodeNetworkSpec {
  netns: string;
  veth: string;
  bridge: string;
  /** e.g. 10.200.0.11/24 */
  address: string;
  gateway: string;
}

export interface NodeNetworkObservation {
  netnsExists: boolean;
  /** the host side of the veth, when present */
  hostVeth?: IpLink;
  /** links inside the namespace (empty when it does not exist) */
  links: IpLink[];
  routes: IpRoute[];
  /** net.ipv4.ip_forward inside the namespace */
  ipForward: string;
}

export const NODE_IFNAME = 'eth0';

export function planNodeNetwork(o: NodeNetworkObservation, want: NodeNetworkSpec): Command[] {
  const plan: Command[] = [];
  const ns = want.netns;
  let links = o.links;
  let routes = o.routes;
  let ipForward = o.ipForward;
  let hostVeth = o.hostVeth;
  if (!o.netnsExists) {
    plan.push(command('ip', 'netns', 'add', ns));
    links = [];
    routes = [];
    ipForward = '0';
    // A host veth whose peer is gone with the old namespace cannot be reused.
    if (hostVeth) plan.push(command('ip', 'link', 'del', hostVeth.ifname));
    hostVeth = undefined;
  }
  const eth0 = links.find((l) => l.ifname === NODE_IFNAME);
  if (!hostVeth || !eth0) {
    if (hostVeth) plan.push(command('ip', 'link', 'del', hostVeth.ifname));
    if (eth0) plan.push(command('ip', '-n', ns, 'link', 'del', NODE_IFNAME));
    plan.push(command('ip', 'link', 'add', want.veth, 'type', 'veth', 'peer', 'name', NODE_IFNAME, 'netns', ns));
    hostVeth = undefined;
  }
  if (hostVeth?.master !== want.bridge) plan.push(command('ip', 'link', 'set', want.veth, 'master', want.bridge));
  if (!hostVeth?.flags.includes('UP')) plan.push(command('ip', 'link', 'set', want.veth, 'up'));
  const inside = hostVeth ? eth0 : undefined;
  if (!inside?.addrs.includes(want.address)) plan.push(command('ip', '-n', ns, 'addr', 'replace', want.address, 'dev', NODE_IFNAME));
  if (!inside?.flags.includes('UP')) plan.push(command('ip', '-n', ns, 'link', 'set', NODE_IFNAME, 'up'));
  const lo = links.find((l) => l.ifname === 'lo');
  if (!lo?.flags.includes('UP')) plan.push(command('ip', '-n', ns, 'link', 'set', 'lo', 'up'));
  const def = routes.find((r) => r.dst === 'default');
  if (!inside || def?.gateway !== want.gateway || def.dev !== NODE_IFNAME) {
    plan.push(command('ip', '-n', ns, 'route', 'replace', 'default', 'via', want.gateway, 'dev', NODE_IFNAME));
  }
  if (ipForward.trim() !== '1') {
    plan.push(command('nsenter', `--net=/run/netns/${ns}`, 'sysctl', '-qw', 'net.ipv4.ip_forward=1'));
  }
  return plan;
}

/** Removing the namespace removes eth0 and with it the host side of the veth. */
export function planRemoveNodeNetwork(netnsExists: boolean, hostVeth: IpLink | undefined, netns: string): Command[] {
  const plan: Command[] = [];
  if (netnsExists) plan.push(command('ip', 'netns', 'del', netns));
  if (hostVeth) plan.push(command('ip', 'link', 'del', hostVeth.ifname));
  return plan;
}
