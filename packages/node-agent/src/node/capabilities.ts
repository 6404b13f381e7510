// Which Linux capabilities the agent's process holds, from /proc/self/status. The one that matters
// now: without CAP_SYS_RESOURCE (absent from some VMs' bounding set) no process may lower an
// oom_score_adj, so containers must not ask for the kubelet's negative scores (NodeFacts.minOomScoreAdj).
import { readFileSync } from 'node:fs';

export const CAP_SYS_RESOURCE = 24;

/** Whether the `CapEff` line of a /proc/<pid>/status text has capability `bit`. */
export function hasCapability(statusText: string, bit: number): boolean {
  const m = /^CapEff:\s*([0-9a-fA-F]+)$/m.exec(statusText);
  return m ? ((BigInt(`0x${m[1]}`) >> BigInt(bit)) & 1n) === 1n : false;
}

/** The lowest oom_score_adj this process may give its containers: -1000, or 0 without CAP_SYS_RESOURCE. */
export function minOomScoreAdj(statusText = readFileSync('/proc/self/status', 'utf8')): number {
  return hasCapability(statusText, CAP_SYS_RESOURCE) ? -1000 : 0;
}
