// Copies the API contract (the repository's proto/, its one source) into packages/api/proto, which
// @skiff/api ships and reads, so the package works when installed on its own. Part of the build
// (`npm run build`), of scripts/setup.sh, of the test and bench runners, and of `npm pack` of the
// package. Does nothing when the copy is up to date; otherwise replaces it whole.
import { cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const from = join(root, 'proto');
const to = join(root, 'packages/api/proto');

function walk(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p, base) : [relative(base, p)];
  });
}

function upToDate() {
  const want = walk(from).sort();
  const have = walk(to).sort();
  if (want.join('\n') !== have.join('\n')) return false;
  return want.every((f) => readFileSync(join(from, f)).equals(readFileSync(join(to, f))));
}

if (!existsSync(join(from, 'skiff/v1/api.proto'))) {
  console.error(`copy-proto: no proto files at ${from}`);
  process.exit(1);
}
if (!upToDate()) {
  const tmp = `${to}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  cpSync(from, tmp, { recursive: true });
  rmSync(to, { recursive: true, force: true });
  renameSync(tmp, to);
}
