// Reads links, addresses and routes the way `ip -j` reports them.
import type { Runner } from './exec.js';

export interface IpLink {
  ifname: string;
  flags: string[];
  master?: string;
  addrs: string[];
}

interface IpAddrJson {
  ifname: string;
  flags?: string[];
  master?: string;
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

export function parseIpAddr(json: string): IpLink[] {
  const raw = JSON.parse(json || '[]') as IpAddrJson[];
  return raw.map((l) => ({
    ifname: l.ifname,
    flags: l.flags ?? [],
    ...(l.master ? { master: l.master } : {}),
    addrs: (l.addr_info ?? []).filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
  }));
}

export interface IpRoute {
  dst: string;
  dev: string;
  gateway?: string;
}

export function parseIpRoute(json: string): IpRoute[] {
  const raw = JSON.parse(json || '[]') as { dst: string; dev?: string; gateway?: string }[];
  return raw.map((r) => ({ dst: r.dst, dev: r.dev ?? '', ...(r.gateway ? { gateway: r.gateway } : {}) }));
}

/** Links (with addresses) of the host, or of the namespace `netns` when given. */
export async function listLinks(runner: Runner, netns?: string): Promise<IpLink[]> {
  const ns = netns ? ['-n', netns] : [];
  const r = await runner.run('ip', [...ns, '-j', 'addr', 'show'], { allowFail: true });
  return r.code === 0 ? parseIpAddr(r.stdout) : [];
}

export async function listRoutes(runner: Runner, netns?: string, table = 'main'): Promise<IpRoute[]> {
  const ns = netns ? ['-n', netns] : [];
  const r = await runner.run('ip', [...ns, '-j', '-4', 'route', 'show', 'table', table], { allowFail: true });
  return r.code === 0 ? parseIpRoute(r.stdout) : [];
}

export async function listNetns(runner: Runner): Promise<string[]> {
  const r = await runner.run('ip', ['netns', 'list'], { allowFail: true });
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(' ')[0] ?? '')
    .filter((n) => n.length > 0);
}
