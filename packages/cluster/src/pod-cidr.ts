// Pod CIDRs per node until the controller-manager assigns them: node number I gets the I-th /24 of
// the cluster CIDR (10.244.0.0/16: n1 10.244.1.0/24, n2 10.244.2.0/24, ...).
import { formatIpv4Cidr, parseIpv4Cidr } from '@skiff/api';

export function nodePodCIDR(clusterCIDR: string, index: number): string {
  const c = parseIpv4Cidr(clusterCIDR);
  if (!c) throw new Error(`cluster CIDR ${clusterCIDR}: expected a.b.c.d/prefix`);
  if (c.prefix > 23) throw new Error(`cluster CIDR ${clusterCIDR}: needs room for /24 node ranges (prefix 23 or shorter)`);
  const size = 2 ** (24 - c.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new Error(`cluster CIDR ${clusterCIDR} has ${size} node ranges; node ${index} does not fit`);
  return formatIpv4Cidr({ base: c.base + index * 256, prefix: 24 });
}
