// Which iptables backend the node already uses, as Kubernetes' iptables-wrapper decides: a hint
// chain (ours, or kubelet's) in the mangle table of one backend wins; else the backend with more
// rules, legacy when it has 10 or more. Unlike the wrapper, a node with no rules at all gets nft
// (Debian's default iptables). A flag overrides all this. The legacy tables are read only when the
// kernel has some (/proc/net/ip_tables_names): reading one creates it, after which every
// iptables-nft-save prints a "legacy tables present" warning, and the node's iptables-save differs.
import type { Backend } from './iptables.js';
import type { RunCommand } from './exec-iptables.js';

const HINTS = /^:(SKIFF-PROXY-CANARY|KUBE-IPTABLES-HINT|KUBE-KUBELET-CANARY)\s/m;

export interface BackendEvidence {
  nftHint: boolean;
  legacyHint: boolean;
  nftRules: number;
  legacyRules: number;
}

export function chooseBackend(e: BackendEvidence): Backend {
  if (e.nftHint) return 'nft';
  if (e.legacyHint) return 'legacy';
  if (e.legacyRules >= 10) return 'legacy';
  return e.legacyRules > e.nftRules ? 'legacy' : 'nft';
}

function countRules(text: string): number {
  return text.split('\n').filter((l) => l.startsWith('-')).length;
}

export async function detectBackend(run: RunCommand): Promise<Backend> {
  const save = async (bin: string, args: string[]): Promise<string> => {
    try {
      const r = await run(bin, args);
      return r.code === 0 ? r.stdout : '';
    } catch {
      return '';
    }
  };
  const legacyTables = (await save('cat', ['/proc/net/ip_tables_names'])).trim() !== '';
  const evidence: BackendEvidence = {
    nftHint: HINTS.test(await save('iptables-nft-save', ['-t', 'mangle'])),
    legacyHint: legacyTables && HINTS.test(await save('iptables-legacy-save', ['-t', 'mangle'])),
    legacyRules: legacyTables ? countRules(await save('iptables-legacy-save', [])) : 0,
    nftRules: 0,
  };
  if (!evidence.nftHint && !evidence.legacyHint && evidence.legacyRules < 10) evidence.nftRules = countRules(await save('iptables-nft-save', []));
  return chooseBackend(evidence);
}
