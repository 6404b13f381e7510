// Logs, exec, port-forward and top with real Docker: a 1-node lab of the test's own, the apiserver
// in this process on the lab bridge's host address (a token file, as off loopback it must), and
// skiff-node-agent as a process in the node's network namespace with the node's dockerd and the
// shared agent token. skiffctl runs in-process. Everything is removed afterwards, also on failure.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Node, Pod } from '@skiff/api';
import { run as runApiServer, type RunningApiServer } from '@skiff/apiserver';
import { PAUSE_IMAGE, TESTBOX_IMAGE } from '@skiff/lab';
import { Clientset, createClient, discardLogger, StreamClient, type Client, type PodExecResponse } from '@skiff/machinery';
import { runCli, StringOutput } from '@skiff/skiffctl';
import { killOnExit, startEtcd, type TestEtcd } from '../harness/etcd.js';
import { httpGet } from '../harness/http-get.js';
import { eventually, freeSubnet, labStatusJson, repoRoot, testLab, type TestLab } from '../harness/lab-env.js';

const USER_TOKEN = 'e2e-user-token-5d1c';
const AGENT_TOKEN = 'e2e-agent-token-93ab';
const agentMain = join(repoRoot, 'packages/node-agent/dist/main.js');

function pod(name: string, script: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: 'n1', terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: TESTBOX_IMAGE, command: ['sh', '-c', script] }] },
  };
}

void describe('logs, exec, port-forward and top on a 1-node lab', { timeout: 300_000 }, () => {
  let lab: TestLab | undefined;
  let etcd: TestEtcd | undefined;
  let server: RunningApiServer | undefined;
  let client: Client | undefined;
  let agent: ChildProcess | undefined;
  let agentLog = '';
  const stop = new AbortController();

  const cli = async (args: string[], io: { signal?: AbortSignal; stdin?: AsyncIterable<string> } = {}) => {
    const stdout = new StringOutput();
    const stderr = new StringOutput();
    const code = await runCli(['--server', server!.address, '--token', USER_TOKEN, ...args], { stdout, stderr, stdin: io.stdin ?? (async function* () {})(), ...(io.signal ? { signal: io.signal } : {}) });
    return { code, stdout: stdout.text, stderr: stderr.text, out: stdout };
  };

  before(async () => {
    lab = await testLab();
    const up = await lab.cli('up', '--nodes', '1', '--subnet', lab.subnet, '--image-cache', lab.imageCache);
    assert.equal(up.code, 0, up.stderr);
    const node = (await labStatusJson(lab)).nodes[0]!;
    const hostAddress = lab.subnet.replace(/0\/24$/, '1');
    etcd = await startEtcd();
    const tokenFile = join(lab.dir, 'tokens.csv');
    const agentTokenFile = join(lab.dir, 'agent-token');
    await writeFile(tokenFile, `${USER_TOKEN},e2e-user\n${AGENT_TOKEN}2,system:node:n1\n`);
    await writeFile(agentTokenFile, `${AGENT_TOKEN}\n`);
    server = await runApiServer({ etcdServers: [etcd.endpoint], listen: `${hostAddress}:0`, httpListen: '', tokenFile, nodeAgentToken: AGENT_TOKEN }, stop.signal, discardLogger());
    client = createClient({ server: server.address, token: USER_TOKEN });
    const podCIDR = await freeSubnet(197);
    agent = spawn('nsenter', [
      `--net=/run/netns/${node.netns}`,
      process.execPath,
      agentMain,
      '--server', server.address,
      '--token', `${AGENT_TOKEN}2`,
      '--node-name', 'n1',
      '--node-ip', node.address,
      '--docker-host', node.dockerHost,
      '--pod-cidr', podCIDR,
      '--cluster-cidr', '10.197.0.0/16',
      '--infra-image', PAUSE_IMAGE,
      '--health-port', '-1',
      '--server-token-file', agentTokenFile,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(agent);
    agent.stdout?.on('data', (b: Buffer) => (agentLog = (agentLog + b.toString()).slice(-20_000)));
    agent.stderr?.on('data', (b: Buffer) => (agentLog = (agentLog + b.toString()).slice(-20_000)));
    const cs = new Clientset(client);
    await eventually('node n1 Ready with its agent port', 60_000, async () => {
      const n: Node = await cs.nodes().get('n1');
      return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && n.status.daemonEndpoints?.kubeletEndpoint?.Port === 10250 ? true : undefined;
    }).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\nagent log:\n${agentLog}`);
    });
    await cs.pods('default').create(pod('ticker', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.3; done'));
    await cs.pods('default').create(pod('web', 'mkdir -p /www && echo "hello from web" > /www/index.html && exec httpd -f -p 8080 -h /www'));
    for (const name of ['ticker', 'web']) {
      await eventually(`${name} Running`, 90_000, async () => ((await cs.pods('default').get(name)).status?.phase === 'Running' ? true : undefined)).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}\nagent log:\n${agentLog}`);
      });
    }
  });

  after(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent!.once('exit', r));
      agent.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (agent.exitCode === null) agent.kill('SIGKILL');
    }
    client?.close();
    stop.abort();
    await server?.stopped;
    await etcd?.stop();
    if (lab) {
      const down = await lab.cli('down');
      await rm(lab.dir, { recursive: true, force: true });
      assert.equal(down.code, 0, down.stderr);
    }
  });

  void it('logs --tail and logs -f of a real container', async () => {
    // Running may come before the second tick: ask until the container has written two lines.
    const tail = await eventually('two lines by logs --tail 2', 15_000, async () => {
      const r = await cli(['logs', 'ticker', '--tail', '2']);
      assert.equal(r.code, 0, r.stderr);
      return /^tick \d+\ntick \d+\n$/.test(r.stdout) ? r : undefined;
    });
    assert.match(tail.stdout, /^tick \d+\ntick \d+\n$/);
    const ac = new AbortController();
    const following = cli(['logs', '-f', 'ticker', '--tail', '1'], { signal: ac.signal });
    // the ticker writes a line every 0.3 s: a follower sees them as they come
    await new Promise((r) => setTimeout(r, 2500));
    ac.abort();
    const r = await following;
    const ticks = [...r.stdout.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(ticks.length >= 4, r.stdout);
    for (let i = 1; i < ticks.length; i++) assert.equal(ticks[i], ticks[i - 1]! + 1, r.stdout);
  });

  void it('exec: output, exit code and stdin in a real container', async () => {
    assert.deepEqual(await cli(['exec', 'web', '--', 'sh', '-c', 'echo hi; echo oops >&2; exit 3']).then(({ out: _o, ...r }) => r), { code: 3, stdout: 'hi\n', stderr: 'oops\ncommand terminated with exit code 3\n' });
    const cat = await cli(['exec', '-i', 'web', '--', 'cat'], { stdin: (async function* () { yield 'through '; yield 'stdin\n'; })() });
    assert.deepEqual({ code: cat.code, stdout: cat.stdout }, { code: 0, stdout: 'through stdin\n' });
    const missing = await cli(['exec', 'web', '--', 'no-such-command']);
    assert.notEqual(missing.code, 0);
  });

  void it('exec with a terminal: its size, a resize, an interactive shell and its exit code', async () => {
    const users = new StreamClient({ server: server!.address, token: USER_TOKEN });
    try {
      const call = users.exec();
      let out = '';
      let exitCode: number | undefined;
      call.on('data', (m: PodExecResponse) => {
        out += m.stdout.toString();
        if (m.exited) exitCode = m.exitCode;
      });
      const ended = new Promise((resolve, reject) => {
        call.on('end', resolve);
        call.on('error', reject);
      });
      call.write({ start: { target: { name: 'web' }, command: ['sh'], stdin: true, tty: true, size: { rows: 40, cols: 120 } } });
      await new Promise((r) => setTimeout(r, 500));
      call.write({ stdin: Buffer.from('stty size\r') });
      await eventually('the first size', 10_000, async () => (/\r?\n40 120\r?\n/.test(out) ? true : undefined));
      call.write({ resize: { rows: 50, cols: 132 } });
      await new Promise((r) => setTimeout(r, 300));
      call.write({ stdin: Buffer.from('stty size; exit 7\r') });
      await ended;
      assert.match(out, /\r?\n50 132\r?\n/);
      assert.equal(exitCode, 7);
    } finally {
      users.close();
    }
  });

  void it('port-forward to a busybox httpd', async () => {
    const ac = new AbortController();
    const stdout = new StringOutput();
    const stderr = new StringOutput();
    const forwarding = runCli(['--server', server!.address, '--token', USER_TOKEN, 'port-forward', 'pod/web', ':8080'], { stdout, stderr, stdin: (async function* () {})(), signal: ac.signal });
    try {
      const port = await eventually('the local port', 10_000, async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(stdout.text)?.[1]);
      assert.equal(await httpGet('127.0.0.1', Number(port)), 'hello from web\n');
      // a second connection over a second stream
      assert.equal(await httpGet('127.0.0.1', Number(port)), 'hello from web\n');
      assert.match(stdout.text, /Handling connection for \d+/);
    } finally {
      ac.abort();
      await forwarding;
    }
    assert.equal(stderr.text, '');
  });

  void it('top pods and top nodes from Docker stats and /proc', async () => {
    const pods = await cli(['top', 'pods']);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, /^NAME +CPU\(cores\) +MEMORY\(bytes\)\n/);
    assert.match(pods.stdout, /\nticker +\d+m +\d+Mi\n/);
    assert.match(pods.stdout, /\nweb +\d+m +\d+Mi\n/);
    const nodes = await cli(['top', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, /\nn1 +\d+m +\d+% +\d+Mi +\d+%\n$/);
  });
});
