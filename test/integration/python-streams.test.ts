// The Python program of docs/api.md's "Logs, exec, port-forward, top", run unchanged with Debian's
// python3 against a real apiserver and a node agent on the fake runtime (its exec runs the command
// on this machine; the pod is on the host's network, so its port-forward reaches a listener of the
// test on 127.0.0.1): the code generated with the documented commands of "A client in Python", the
// output the log, the exec and the port-forward give.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protoDir } from '@skiff/api';
import { fencedBlocks, PYTHON, repoRoot, runCommand } from '../harness/python.js';
import { hostExec, startStreamsCluster, streamsPod, type StreamsCluster } from '../harness/streams-cluster.js';

describe('docs/api.md: the Python program for logs, exec and port-forward', { timeout: 120_000 }, () => {
  const markdown = readFileSync(join(repoRoot, 'docs/api.md'), 'utf8');
  const program = fencedBlocks(markdown, '## Logs, exec, port-forward, top').filter((b) => b.lang === 'python');
  const generate = fencedBlocks(markdown, '## A client in Python').filter((b) => b.lang === 'sh');
  let streams: StreamsCluster | undefined;
  let dir: string;
  let web: Server | undefined;
  let webPort = 0;
  const requests: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'skiff-python-streams-'));
    symlinkSync(protoDir(), join(dir, 'proto'));
    // the pod's web server: one HTTP/1.0 answer per connection, after the request's head
    web = createServer((socket) => {
      let head = '';
      socket.on('data', (d: Buffer) => {
        head += d.toString();
        if (head.includes('\r\n\r\n')) {
          requests.push(head);
          socket.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello from the pod\n');
        }
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => web!.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as AddressInfo).port;
    streams = await startStreamsCluster({ pods: [streamsPod('web', ['main'], { hostNetwork: true })], execHandler: hostExec });
    const main = await streams.containerOf('web');
    for (let i = 1; i <= 12; i++) streams.runtime.writeLog(main.id, i % 3 ? 'stdout' : 'stderr', `log line ${i}`);
  });
  after(async () => {
    await streams?.close();
    if (web) await new Promise((r) => web!.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has one program, and the commands that generate its code', () => {
    assert.equal(program.length, 1);
    assert.equal(generate.length, 1);
  });

  it('generates the code with the documented commands', async () => {
    const r = await runCommand('bash', ['-euo', 'pipefail', '-c', generate[0]!.code], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    writeFileSync(join(dir, 'pod_streams.py'), program[0]!.code);
  });

  it('prints the log tail, the exec output and exit code, and the answer through the port-forward', async () => {
    const r = await runCommand(PYTHON, ['pod_streams.py', 'web', String(webPort)], { cwd: dir, env: { SKIFF_SERVER: streams!.cluster.server.address } });
    assert.equal(r.code, 0, r.stderr);
    const logTail = Array.from({ length: 10 }, (_, i) => `log line ${i + 3}\n`).join('');
    assert.equal(r.stdout, `${logTail}hello\nPIPED IN\nexit code 3\nport ${webPort} answered: HTTP/1.0 200 OK\n`);
    assert.equal(r.stderr, '');
    assert.deepEqual(requests, ['GET / HTTP/1.0\r\n\r\n'], 'the request reached the pod as sent');
  });

  it('says so when nothing listens on the port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await runCommand(PYTHON, ['pod_streams.py', 'web', String(port)], { cwd: dir, env: { SKIFF_SERVER: streams!.cluster.server.address } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, new RegExp(`exit code 3\nport ${port} failed: UNAVAILABLE error forwarding port ${port} to pod web: connect ECONNREFUSED`));
  });
});
