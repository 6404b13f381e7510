// Runs the compiled tests with node's own test runner, one tier or all of them.
// Unit tests sit next to the code (packages/*/dist/**/*.test.js); integration and end-to-end tests
// are under test/ (test/dist/{integration,e2e}). Files run one at a time: e2e tests own the machine's
// namespaces and iptables, and integration tests each start an etcd.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
// The compiled packages read the proto files from @skiff/api's copy: refresh it (`npx tsc -b` alone does not).
const copied = spawnSync(process.execPath, [join(root, 'scripts/copy-proto.mjs')], { stdio: 'inherit' });
if (copied.status !== 0) process.exit(copied.status ?? 1);
// The cluster runs the processes' bundles (scripts/bundle.mjs): remake those older than the build.
const bundled = spawnSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { stdio: 'inherit' });
if (bundled.status !== 0) process.exit(bundled.status ?? 1);
const tier = process.argv[2] ?? 'all';
const extra = process.argv.slice(3);

function find(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const tiers = {
  unit: () => readdirSync(join(root, 'packages')).flatMap((p) => find(join(root, 'packages', p, 'dist'))),
  integration: () => find(join(root, 'test/dist/integration')),
  e2e: () => find(join(root, 'test/dist/e2e')),
};
const names = tier === 'all' ? ['unit', 'integration', 'e2e'] : [tier];
const files = names.flatMap((n) => {
  if (!tiers[n]) throw new Error(`unknown test tier ${n} (unit, integration, e2e, all)`);
  return tiers[n]();
});
const filtered = extra.length ? files.filter((f) => extra.some((e) => f.includes(e))) : files;
if (filtered.length === 0) {
  console.error(`no test files for ${tier} ${extra.join(' ')}`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...filtered], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
