// A resolv.conf read into nameservers, search domains and options (the kubelet's parseResolvConf),
// and written back. The node's own file is read once by the process (`--resolv-conf`).
export interface DNSConfig {
  servers: string[];
  searches: string[];
  /** "ndots:5", "edns0" */
  options: string[];
}

export function parseResolvConf(text: string): DNSConfig {
  const out: DNSConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) out.servers.push(fields[0]);
    else if (key === 'search' || key === 'domain') out.searches = fields.filter((f) => f !== '.'); // the last one wins, as in glibc
    else if (key === 'options') out.options.push(...fields);
  }
  return out;
}

export function formatResolvConf(c: DNSConfig): string {
  const lines = c.servers.map((s) => `nameserver ${s}`);
  if (c.searches.length > 0) lines.push(`search ${c.searches.join(' ')}`);
  if (c.options.length > 0) lines.push(`options ${c.options.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
