// The shared token of the apiserver and the agents, from a file (its first non-empty line): the
// agent's --server-token-file and the apiserver's --node-agent-token-file name files holding the
// same token.
import { readFileSync } from 'node:fs';

export function readSharedToken(path: string): string {
  const token = readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!token) throw new Error(`${path}: no token in the file`);
  return token;
}
