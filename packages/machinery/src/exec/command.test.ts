import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandFailure, runCommand } from './command.js';

function* pieces(n: number, piece: string): Generator<string> {
  for (let i = 0; i < n; i++) yield piece;
}

const cases: { name: string; cmd: string; args: string[]; input?: string | Iterable<string>; want: { code: number; stdout?: string; stderr?: RegExp } }[] = [
  { name: 'output and exit 0', cmd: 'sh', args: ['-c', 'echo out; echo err >&2'], want: { code: 0, stdout: 'out\n', stderr: /^err$/m } },
  { name: 'a non-zero exit resolves with its code', cmd: 'sh', args: ['-c', 'exit 3'], want: { code: 3, stdout: '' } },
  { name: 'input goes to stdin', cmd: 'cat', args: [], input: 'hello', want: { code: 0, stdout: 'hello' } },
  { name: 'a command that ignores its input still ends', cmd: 'true', args: [], input: 'x'.repeat(1 << 20), want: { code: 0, stdout: '' } },
  { name: 'input in pieces goes to stdin in order', cmd: 'wc', args: ['-c'], input: pieces(64, 'y'.repeat(1 << 16)), want: { code: 0, stdout: `${64 << 16}\n` } },
  { name: 'a command that ignores input in pieces still ends', cmd: 'true', args: [], input: pieces(64, 'x'.repeat(1 << 16)), want: { code: 0, stdout: '' } },
];

for (const c of cases) {
  test(`runCommand: ${c.name}`, async () => {
    const r = await runCommand(c.cmd, c.args, c.input === undefined ? {} : { input: c.input });
    assert.equal(r.code, c.want.code);
    if (c.want.stdout !== undefined) assert.equal(r.stdout, c.want.stdout);
    if (c.want.stderr) assert.match(r.stderr, c.want.stderr);
  });
}

test('runCommand: input pieces that throw reject, and the command is stopped', async () => {
  function* bad(): Generator<string> {
    yield 'a\n';
    throw new Error('no more pieces');
  }
  await assert.rejects(runCommand('cat', [], { input: bad() }), /no more pieces/);
});

test('runCommand: a command still running after timeoutMs is killed and says so; one that ends in time is not', async () => {
  const t0 = performance.now();
  const r = await runCommand('sleep', ['30'], { timeoutMs: 100 });
  assert.ok(performance.now() - t0 < 10_000);
  assert.equal(r.code, -1);
  assert.match(r.stderr, /^sleep: killed after 100 ms$/);
  const ok = await runCommand('sh', ['-c', 'echo done'], { timeoutMs: 10_000 });
  assert.deepEqual(ok, { code: 0, stdout: 'done\n', stderr: '' });
});

test('runCommand: a command that does not exist rejects, naming it', async () => {
  await assert.rejects(runCommand('no-such-command-skiff', []), /cannot run no-such-command-skiff/);
});

test('commandFailure: names the command, exit code and stderr (else stdout)', () => {
  assert.equal(commandFailure('ip', ['link', 'add'], { code: 2, stdout: '', stderr: 'RTNETLINK answers: File exists\n' }), 'ip link add failed (exit 2): RTNETLINK answers: File exists');
  assert.equal(commandFailure('x', [], { code: 1, stdout: 'why\n', stderr: '' }), 'x failed (exit 1): why');
});
