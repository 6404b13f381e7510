import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ExecIptables, type RunCommand } from './exec-iptables.js';
import { IptablesError, restoreNow } from './iptables.js';

void describe('ExecIptables.restore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-exec-iptables-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  interface Call {
    cmd: string;
    args: readonly string[];
    input: unknown;
    content: string;
  }
  const recording = (code: number, stderr = ''): { calls: Call[]; run: RunCommand } => {
    const calls: Call[] = [];
    const run: RunCommand = (cmd, args, input) => {
      const file = args[args.length - 1] ?? '';
      calls.push({ cmd, args, input, content: existsSync(file) ? readFileSync(file, 'utf8') : '<missing>' });
      return Promise.resolve({ code, stdout: '', stderr });
    };
    return { calls, run };
  };

  void it('passes the payload as a file argument (not stdin, which -w interrupts on legacy) and removes the file', async () => {
    const { calls, run } = recording(0);
    const ipt = new ExecIptables('legacy', run, dir);
    const pieces = ['*nat\n', ':KUBE-X - [0:0]\n', '-A KUBE-X -j RETURN\n'.repeat(100_000), 'COMMIT\n'];
    await restoreNow(ipt, pieces);
    await restoreNow(ipt, '*filter\nCOMMIT\n');
    assert.equal(calls.length, 2);
    const [big, small] = calls as [Call, Call];
    assert.equal(big.cmd, 'iptables-legacy-restore');
    assert.deepEqual(big.args.slice(0, 3), ['-w', '5', '--noflush']);
    assert.equal(big.args.length, 4);
    assert.equal(big.input, undefined);
    assert.equal(big.content, pieces.join(''));
    assert.equal(small.content, '*filter\nCOMMIT\n');
    assert.ok(!existsSync(big.args[3] ?? ''));
    assert.deepEqual(readdirSync(dir), []);
  });

  void it('a refused payload surfaces as IptablesError with the stderr, and the file is removed', async () => {
    const { calls, run } = recording(2, 'iptables-restore: line 3 failed\n');
    const ipt = new ExecIptables('nft', run, dir);
    await assert.rejects(restoreNow(ipt, '*nat\n-A NOPE\nCOMMIT\n'), (e: Error) => {
      assert.ok(e instanceof IptablesError);
      assert.match(e.message, /iptables-nft-restore --noflush failed \(exit 2\): iptables-restore: line 3 failed$/);
      return true;
    });
    assert.equal(calls.length, 1);
    assert.deepEqual(readdirSync(dir), []);
  });

  void it('a command that cannot start and a payload that cannot be made leave no file behind', async () => {
    const ipt = new ExecIptables('legacy', () => Promise.reject(new IptablesError('cannot run iptables-legacy-restore')), dir);
    await assert.rejects(restoreNow(ipt, '*nat\nCOMMIT\n'), /cannot run/);
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
