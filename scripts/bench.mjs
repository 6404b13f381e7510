// `npm run bench -- NAME`: builds, then runs one benchmark (bench/NAME.ts). Benchmarks are not tests:
// they print a table with our figure beside the peer or limit measured in the same run, and end with
// one JSON line holding every figure.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const name = process.argv[2];
const available = readdirSync(join(root, 'bench')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(2);
}
const setup = spawnSync('bash', [join(root, 'scripts/setup.sh')], { stdio: 'inherit' });
if (setup.status !== 0) process.exit(setup.status ?? 1);
const file = join(root, 'bench/dist', `${name}.js`);
if (!existsSync(file)) {
  console.error(`benchmark ${name} did not build (${file} missing)`);
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--expose-gc', file, ...process.argv.slice(3)], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
