// Pod CIDRs per node until the controller-manager assigns them: node number I gets the I-th /24 of
// the cluster CIDR (10.244.0.0/16: n1 10.244.1.0/24, n2 10.244.2.0/24, ...).
export function nodePodCIDR(clusterCIDR: string, index: number): string {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(clusterCIDR);
  if (!m) throw new Error(`cluster CIDR ${clusterCIDR}: expected a.b.c.d/prefix`);
  const prefix = Number(m[5]);
  if (prefix > 23) throw new Error(`cluster CIDR ${clusterCIDR}: needs room for /24 node ranges (prefix 23 or shorter)`);
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0) >>> 0;
  const size = 2 ** (24 - prefix);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new Error(`cluster CIDR ${clusterCIDR} has ${size} node ranges; node ${index} does not fit`);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  const net = ((base & mask) >>> 0) + index * 256;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/24`;
}
