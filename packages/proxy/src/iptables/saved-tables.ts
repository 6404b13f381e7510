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

/**
 * iptables-save output of several tables (no `-t`): table -> its chains, as parseSavedTable. A table
 * the output does not list (legacy lists only the tables a namespace has used) is absent.
 */
export function parseSavedTables(text: string, rulesOf?: ReadonlySet<string>): Map<string, Map<string, SavedChain>> {
  const tables = new Map<string, Map<string, SavedChain>>();
  // Each table starts at a line "*name" (no other line starts with "*").
  const src = `\n${text}`;
  let start = src.indexOf('\n*');
  while (start >= 0) {
    const headerEnd = src.indexOf('\n', start + 1);
    const name = src.slice(start + 2, headerEnd < 0 ? src.length : headerEnd).trim();
    const next = headerEnd < 0 ? -1 : src.indexOf('\n*', headerEnd);
    const body = headerEnd < 0 ? '' : src.slice(headerEnd + 1, next < 0 ? src.length : next + 1);
    tables.set(name, parseSavedTable(body, rulesOf));
    start = next;
  }
  return tables;
}
