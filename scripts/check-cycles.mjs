// Dependency-cycle check: between packages (from package.json) and between modules inside each package
// (with dpdm on the TypeScript sources). Exits non-zero on any cycle.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const pkgs = new Map();
for (const dir of readdirSync(join(root, 'packages'))) {
  const f = join(root, 'packages', dir, 'package.json');
  if (!existsSync(f)) continue;
  const j = JSON.parse(readFileSync(f, 'utf8'));
  pkgs.set(j.name, { dir, deps: Object.keys(j.dependencies ?? {}).filter((d) => d.startsWith('@skiff/')) });
}
let failed = false;
const state = new Map();
function visit(name, stack) {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'active') {
    console.error(`package cycle: ${[...stack, name].join(' -> ')}`);
    failed = true;
    return;
  }
  state.set(name, 'active');
  for (const d of pkgs.get(name)?.deps ?? []) visit(d, [...stack, name]);
  state.set(name, 'done');
}
for (const name of pkgs.keys()) visit(name, []);

// Components never import each other: only library packages may be dependencies.
const libraries = new Set(['@skiff/api', '@skiff/machinery']);
// Except the tool that assembles the components into a cluster (like the tests and benchmarks do):
// skiff-cluster drives the lab through @skiff/lab's API and writes skiffctl's config with its code;
// skiff-compose (the docker-compose lab) builds its images with the lab's image code and reuses
// skiff-cluster's tokens and pod CIDRs.
const assemblers = new Set(['@skiff/cluster', '@skiff/compose']);
for (const [name, { deps }] of pkgs) {
  if (assemblers.has(name)) continue;
  for (const d of deps) {
    if (!libraries.has(d)) {
      console.error(`${name} depends on component ${d}: components share only library packages`);
      failed = true;
    }
  }
}

for (const [, { dir }] of pkgs) {
  const src = join(root, 'packages', dir, 'src');
  if (!existsSync(src)) continue;
  const entries = readdirSync(src).filter((f) => f.endsWith('.ts'));
  if (entries.length === 0) continue;
  const r = spawnSync('dpdm', ['--no-warning', '--no-tree', '-T', '--exit-code', 'circular:1', '--transform', `${src}/**/*.ts`], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, PATH: `${join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}` },
  });
  if (r.status !== 0) {
    console.error(`module cycle in packages/${dir}:\n${r.stdout}${r.stderr}`);
    failed = true;
  }
}
if (failed) process.exit(1);
console.log(`no dependency cycles (${pkgs.size} packages)`);
