// The static token file, in Kubernetes' format (--token-file): CSV lines `token,user,uid,"group1,group2"`.
// Skiff also accepts the shorter `token` and `token,user` lines of its first versions. Blank lines
// and `#` comments are skipped; a token listed twice keeps its last line (Kubernetes warns and does
// the same).
import { readFileSync } from 'node:fs';
import type { UserInfo } from './user-info.js';

export interface TokenUser {
  token: string;
  user: UserInfo;
}

/** The user of a `token` line without a name. */
export const DEFAULT_TOKEN_USER = 'user';

export function readTokenFile(path: string): TokenUser[] {
  return parseTokenFile(readFileSync(path, 'utf8'), path);
}

export function parseTokenFile(text: string, path = 'token file'): TokenUser[] {
  const byToken = new Map<string, TokenUser>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [token = '', name = '', uid = '', groups = ''] = csvFields(line, `${path}:${i + 1}`).map((f) => f.trim());
    if (!token) throw new Error(`${path}:${i + 1}: empty token`);
    const user: UserInfo = {
      name: name || DEFAULT_TOKEN_USER,
      uid,
      groups: groups
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
    };
    byToken.set(token, { token, user });
  });
  if (byToken.size === 0) throw new Error(`${path} holds no token`);
  return [...byToken.values()];
}

/** The fields of one CSV line (RFC 4180 quoting: "a,b" is one field, "" inside quotes is a quote). */
export function csvFields(line: string, where: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (line[i + 1] === '"') field += line[i++];
      else quoted = false;
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (c === ',') {
      out.push(field);
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted) throw new Error(`${where}: unterminated quoted field`);
  out.push(field);
  return out;
}
