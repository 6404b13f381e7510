// Bearer tokens: the apiserver listens on the lab bridge (off loopback), so it requires a token file
// (Kubernetes' static token file format). One token per role, made once and kept in the state
// folder (mode 0600): the admin (skiffctl), the scheduler, the controller-manager, and the node
// agents and proxies. The apiserver authenticates; it has no authorization yet.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { StatePaths } from './state-dir.js';

export const TOKEN_ROLES = {
  admin: { user: 'admin', groups: 'system:masters' },
  scheduler: { user: 'system:kube-scheduler', groups: '' },
  'controller-manager': { user: 'system:kube-controller-manager', groups: '' },
  node: { user: 'system:node', groups: 'system:nodes' },
  proxy: { user: 'system:kube-proxy', groups: '' },
} as const;

export type TokenRole = keyof typeof TOKEN_ROLES;

/** Makes the missing tokens and the apiserver's token file; returns every role's token. */
export function ensureTokens(paths: StatePaths): Record<TokenRole, string> {
  const tokens = {} as Record<TokenRole, string>;
  const lines: string[] = [];
  for (const role of Object.keys(TOKEN_ROLES) as TokenRole[]) {
    const file = role === 'admin' ? paths.adminToken : paths.tokenOf(role);
    if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });
    tokens[role] = readFileSync(file, 'utf8').trim();
    const { user, groups } = TOKEN_ROLES[role];
    lines.push(`${tokens[role]},${user},${user},"${groups}"`);
  }
  const text = lines.join('\n') + '\n';
  if (!existsSync(paths.tokenFile) || readFileSync(paths.tokenFile, 'utf8') !== text) writeFileSync(paths.tokenFile, text, { mode: 0o600 });
  return tokens;
}
