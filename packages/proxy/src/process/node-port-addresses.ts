// kube-proxy's --nodeport-addresses: the CIDRs whose local addresses accept node ports. Unset (or
// a CIDR containing every address, 0.0.0.0/0) means every local address (the rule matches
// `-m addrtype --dst-type LOCAL`); otherwise one jump per local address in the CIDRs, recomputed at
// each sync, so an address added to the node later is picked up. IPv4 only, as the proxy.
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { ipv4CidrContains, ipv4ToNumber, parseIpv4Cidr, type Ipv4Cidr } from '@skiff/api';

export class NodePortAddresses {
  private readonly parsed: Ipv4Cidr[];
  /** True when node ports are on every local address. */
  readonly all: boolean;

  constructor(readonly cidrs: readonly string[]) {
    this.parsed = cidrs.map((c) => {
      const p = parseIpv4Cidr(c);
      if (!p) throw new Error(`--nodeport-addresses: "${c}" is not an IPv4 CIDR (e.g. 192.168.0.0/16)`);
      return p;
    });
    this.all = this.parsed.length === 0 || this.parsed.some((c) => c.prefix === 0);
  }

  /** The local IPv4 addresses in the CIDRs, sorted; undefined when node ports are on every local address. */
  localIPs(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] | undefined {
    if (this.all) return undefined;
    const ips = new Set<string>();
    for (const addrs of Object.values(interfaces))
      for (const a of addrs ?? []) {
        const n = a.family === 'IPv4' ? ipv4ToNumber(a.address) : undefined;
        if (n !== undefined && this.parsed.some((c) => ipv4CidrContains(c, n))) ips.add(a.address);
      }
    return [...ips].sort();
  }
}
