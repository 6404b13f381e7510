// The node's resolvers for names outside the cluster domain: the nameserver lines of its
// resolv.conf (as CoreDNS's `forward . /etc/resolv.conf`), without the cluster DNS address itself.
import { isIP } from 'node:net';

export interface Upstream {
  host: string;
  port: number;
}

export function upstreamsFromResolvConf(text: string, exclude: readonly string[] = []): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const host = m?.[1]?.replace(/%.*$/, '');
    if (host && isIP(host) && !exclude.includes(host)) out.push({ host, port: 53 });
  }
  return out;
}
