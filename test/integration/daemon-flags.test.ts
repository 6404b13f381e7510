// The flags of skiff-scheduler and skiff-controller-manager, parsed with machinery's cliFlags:
// --help prints every flag and exits 0; an unknown flag or a bad value exits 2
// with pflag's wording on stderr, before any connection is made. Nothing is started that outlives
// the spawnSync call (each process exits while parsing flags).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const daemons = [
  { name: 'skiff-scheduler', main: 'packages/scheduler/dist/main.js', flags: ['--server', '--config', '--leader-elect', '--health-port', '--log-level'], numberFlag: '--health-port' },
  { name: 'skiff-controller-manager', main: 'packages/controller-manager/dist/main.js', flags: ['--server', '--controllers', '--concurrent-syncs', '--leader-elect', '--cluster-cidr', '--log-level'], numberFlag: '--concurrent-syncs' },
];

function run(main: string, args: string[]) {
  return spawnSync(process.execPath, [join(root, main), ...args], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });
}

for (const d of daemons) {
  test(`${d.name} --help lists its flags and exits 0`, () => {
    const r = run(d.main, ['--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(d.name));
    for (const f of d.flags) assert.ok(r.stdout.includes(f), `${f} missing from:\n${r.stdout}`);
  });

  test(`${d.name}: an unknown flag exits 2 naming it`, () => {
    const r = run(d.main, ['--no-such-flag', 'x']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown flag: --no-such-flag/);
    assert.match(r.stderr, new RegExp(`See '${d.name} --help'`));
  });

  test(`${d.name}: a non-number for a number flag exits 2`, () => {
    const r = run(d.main, [d.numberFlag, 'abc']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`invalid argument "abc" for "${d.numberFlag}" flag: not a number`));
  });
}
