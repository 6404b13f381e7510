// kube-proxy's --nodeport-addresses: the CIDRs whose local addresses accept node ports. Unset (or
// a CIDR containing every address, 0.0.0.0/0) means every local address (the rule matches
// `-m addrtype --dst-type LOCAL`); otherwise one jump per local address in the CIDRs, recomputed at
// each sync, so an address added to the node later is picked up. IPv4 only, as the proxy.
import { BlockList, isIPv4 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

export class NodePortAddresses {
  private readonly list = new BlockList();
  /** True when node ports are on every local address. */
  readonly all: boolean;

  constructor(readonly cidrs: readonly string[]) {
    let all = cidrs.length === 0;
    for (const c of cidrs) {
      const [ip, bits, ...rest] = c.split('/');
      const prefix = Number(bits);
      if (rest.length > 0 || !ip || !isIPv4(ip) || bits === undefined || !/^\d+$/.test(bits) || prefix > 32) {
        throw new Error(`--nodeport-addresses: "${c}" is not an IPv4 CIDR (e.g. 192.168.0.0/16)`);
      }
      if (prefix === 0) all = true;
      this.list.addSubnet(ip, prefix, 'ipv4');
    }
    this.all = all;
  }

  /** The local IPv4 addresses in the CIDRs, sorted; undefined when node ports are on every local address. */
  localIPs(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] | undefined {
    if (this.all) return undefined;
    const ips = new Set<string>();
    for (const addrs of Object.values(interfaces)) for (const a of addrs ?? []) if (a.family === 'IPv4' && this.list.check(a.address, 'ipv4')) ips.add(a.address);
    return [...ips].sort();
  }
}
