// Parses iptables-save output (and restore payloads, the same format) into chains and rules.
export interface SavedChain {
  policy: string;
  rules: string[];
}

/** chain -> its policy ("-" for user chains) and its `-A` lines, in order, of one table. */
export function parseSavedTable(text: string): Map<string, SavedChain> {
  const chains = new Map<string, SavedChain>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith(':')) {
      const [name = '', policy = '-'] = line.slice(1).split(' ');
      chains.set(name, { policy, rules: [] });
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      const c = chains.get(chain) ?? { policy: '-', rules: [] };
      c.rules.push(line);
      chains.set(chain, c);
    }
  }
  return chains;
}
