// Parses iptables-save output (and restore payloads, the same format) into chains and rules.
export interface SavedChain {
  policy: string;
  rules: string[];
}

/**
 * chain -> its policy ("-" for user chains) and its `-A` lines, in order, of one table; with
 * `rulesOf`, only those chains' rules are kept (the others' are read past: at 10,000 services the
 * nat table has 300,000 rules).
 */
export function parseSavedTable(text: string, rulesOf?: ReadonlySet<string>): Map<string, SavedChain> {
  const chains = new Map<string, SavedChain>();
  let at = 0;
  while (at < text.length) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end).trim();
    at = end + 1;
    if (line.startsWith(':')) {
      const [name = '', policy = '-'] = line.slice(1).split(' ');
      chains.set(name, { policy, rules: [] });
    } else if (line.startsWith('-A ')) {
      const space = line.indexOf(' ', 3);
      const chain = line.slice(3, space < 0 ? line.length : space);
      if (rulesOf && !rulesOf.has(chain)) continue;
      const c = chains.get(chain) ?? { policy: '-', rules: [] };
      c.rules.push(line);
      chains.set(chain, c);
    }
  }
  return chains;
}
