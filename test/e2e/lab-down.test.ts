// skiff-lab down: removes everything the lab made (also after its processes died and its state file
// is gone), is a no-op the second time, and leaves a second lab beside it alone.
import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { labNames, TESTBOX_IMAGE } from '@skiff/lab';
import { labStatusJson, labTraces, run, testLab, type TestLab } from '../harness/lab-env.js';

void describe('skiff-lab down', { timeout: 180_000 }, () => {
  let a: TestLab;
  let b: TestLab;

  before(async () => {
    a = await testLab();
    b = await testLab(a.imageCache);
    const upA = await a.cli('up', '--nodes', '2', '--subnet', a.subnet, '--image-cache', a.imageCache);
    assert.equal(upA.code, 0, upA.stderr);
    const upB = await b.cli('up', '--nodes', '1', '--subnet', b.subnet, '--image-cache', b.imageCache);
    assert.equal(upB.code, 0, upB.stderr);
  });

  after(async () => {
    for (const lab of [a, b]) {
      if (!lab) continue;
      await lab.cli('down');
      await rm(lab.dir, { recursive: true, force: true });
    }
  });

  void it('two labs with different names run side by side', async () => {
    const sa = await labStatusJson(a);
    const sb = await labStatusJson(b);
    assert.ok(sa.nodes.every((n) => n.ready) && sb.nodes.every((n) => n.ready));
    assert.notEqual(sa.nodes[0]!.netns, sb.nodes[0]!.netns);
    const r = await a.cli('docker', 'n1', '--', 'run', '-d', '--name', 'keep', TESTBOX_IMAGE);
    assert.equal(r.code, 0, r.stderr);
  });

  void it("refuses a subnet that overlaps the machine's routes, with a clear message, making nothing", async () => {
    const c = await testLab(a.imageCache);
    try {
      const r = await c.cli('up', '--nodes', '1', '--subnet', a.subnet, '--image-cache', c.imageCache);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`subnet ${a.subnet.replace(/\./g, '\\.')} cannot be used .*overlaps the route.*--subnet`));
      assert.deepEqual(await labTraces(c, labNames(c.name).hash), []);
      await assert.rejects(readFile(join(c.stateDir, 'lab.json')));
      // The node's data root, seeded while the routes were read, is gone again.
      await assert.rejects(readdir(join(c.stateDir, 'nodes')));
    } finally {
      await c.cli('down');
      await rm(c.dir, { recursive: true, force: true });
    }
  });

  void it('down after the processes died and the state file was lost; the other lab is not disturbed', async () => {
    const pid = Number((await readFile(join(b.stateDir, 'nodes/n1/dockerd.pid'), 'utf8')).trim());
    process.kill(pid, 'SIGKILL');
    await rm(join(b.stateDir, 'lab.json'));
    const r = await b.cli('down');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await labTraces(b, labNames(b.name).hash), []);

    const sa = await labStatusJson(a);
    assert.ok(sa.nodes.every((n) => n.ready));
    const ps = await a.cli('docker', 'n1', '--', 'ps', '--filter', 'name=keep', '--format', '{{.Status}}');
    assert.match(ps.stdout, /^Up/);
    const chain = await run('iptables', ['-w', '-S', labNames(a.name).forwardChain]);
    assert.equal(chain.code, 0, 'lab A keeps its forward chain');
  });

  void it('down removes namespaces, links, rules, mounts, processes and state; again it is a no-op', async () => {
    const started = Date.now();
    const r = await a.cli('down');
    const seconds = (Date.now() - started) / 1000;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await labTraces(a, labNames(a.name).hash), []);
    await assert.rejects(readFile(join(a.stateDir, 'lab.json')));
    assert.ok(seconds < 15, `down took ${seconds} s`);
    const again = await a.cli('down');
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /nothing to remove/);
  });
});
