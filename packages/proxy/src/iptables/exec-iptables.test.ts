import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExecIptables, RESTORE_TIMEOUT_MS, type RunCommand } from './exec-iptables.js';
import { IptablesError } from './iptables.js';

void describe('ExecIptables.restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-exec-iptables-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  interface Call {
    cmd: string;
    args: readonly string[];
    /** The stdin input, read whole (undefined: none). */
    input: string | undefined;
    /** The last argument's file content when it is a file. */
    content: string;
    timeoutMs: number | undefined;
  }
  const recording = (code: number, stderr = ''): { calls: Call[]; run: RunCommand } => {
    const calls: Call[] = [];
    const run: RunCommand = (cmd, args, input, timeoutMs) => {
      const file = args[args.length - 1] ?? '';
      const text = input === undefined || typeof input === 'string' ? input : [...input].join('');
      calls.push({ cmd, args, input: text, content: existsSync(file) ? readFileSync(file, 'utf8') : '<missing>', timeoutMs });
      return Promise.resolve({ code, stdout: '', stderr });
    };
    return { calls, run };
  };
  const pieces = ['*nat\n', ':KUBE-X - [0:0]\n', '-A KUBE-X -j RETURN\n'.repeat(100_000), 'COMMIT\n'];

  void it('restore() streams the payload to stdin, with -w and no lock timeout of its own (its alarm would cut the read short), killed after RESTORE_TIMEOUT_MS', async () => {
    const { calls, run } = recording(0);
    const ipt = new ExecIptables('legacy', run, dir);
    await ipt.restore(pieces);
    await ipt.restore('*filter\nCOMMIT\n');
    assert.deepEqual(
      calls.map((c) => [c.cmd, c.args, c.timeoutMs]),
      [
        ['iptables-legacy-restore', ['-w', '--noflush'], RESTORE_TIMEOUT_MS],
        ['iptables-legacy-restore', ['-w', '--noflush'], RESTORE_TIMEOUT_MS],
      ],
    );
    assert.equal(calls[0]?.input, pieces.join(''));
    assert.equal(calls[1]?.input, '*filter\nCOMMIT\n');
    assert.deepEqual(readdirSync(dir), []);
  });

  void it('prepare() writes the payload to a file that apply() restores (same flags), then removes', async () => {
    const { calls, run } = recording(0);
    const ipt = new ExecIptables('legacy', run, dir);
    const ready = await ipt.prepare(pieces);
    assert.equal(calls.length, 0, 'nothing restored before apply()');
    assert.equal(readdirSync(dir).length, 1);
    await ready.apply();
    assert.equal(calls.length, 1);
    const [big] = calls as [Call];
    assert.equal(big.cmd, 'iptables-legacy-restore');
    assert.deepEqual(big.args.slice(0, 2), ['-w', '--noflush']);
    assert.equal(big.args.length, 3);
    assert.equal(big.timeoutMs, RESTORE_TIMEOUT_MS);
    assert.equal(big.input, undefined);
    assert.equal(big.content, pieces.join(''));
    assert.ok(!existsSync(big.args[2] ?? ''));
    assert.deepEqual(readdirSync(dir), []);
  });

  void it('a refused payload surfaces as IptablesError with the stderr, and the file is removed', async () => {
    const { calls, run } = recording(2, 'iptables-restore: line 3 failed\n');
    const ipt = new ExecIptables('nft', run, dir);
    await assert.rejects((await ipt.prepare('*nat\n-A NOPE\nCOMMIT\n')).apply(), (e: Error) => {
      assert.ok(e instanceof IptablesError);
      assert.match(e.message, /iptables-nft-restore --noflush failed \(exit 2\): iptables-restore: line 3 failed$/);
      return true;
    });
    assert.equal(calls.length, 1);
    assert.deepEqual(readdirSync(dir), []);
  });

  void it('a command that cannot start and a payload that cannot be made leave no file behind', async () => {
    const ipt = new ExecIptables('legacy', () => Promise.reject(new IptablesError('cannot run iptables-legacy-restore')), dir);
    await assert.rejects(ipt.restore('*nat\nCOMMIT\n'), /cannot run/);
    await assert.rejects((await ipt.prepare('*nat\nCOMMIT\n')).apply(), /cannot run/);
    const failing = (function* () {
      yield '*nat\n';
      throw new Error('cannot make the payload');
    })();
    const { calls, run } = recording(0);
    await assert.rejects(new ExecIptables('legacy', run, dir).prepare(failing), /cannot make the payload/);
    assert.equal(calls.length, 0);
    assert.deepEqual(readdirSync(dir), []);
  });
});
