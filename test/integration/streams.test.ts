// Logs, exec and top through a real apiserver to a node agent on the fake runtime: the apiserver
// resolves the pod and relays to the agent's server with the shared token; the agent refuses any
// call without it. skiffctl runs in-process against the same apiserver.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type Node } from '@skiff/api';
import { Clientset, logChunks, NODE_AGENT_SERVICE, StreamClient, type PodExecResponse, type PodExecStart } from '@skiff/machinery';
import type { FakeRuntime } from '@skiff/node-agent';
import { runCli, StringOutput } from '@skiff/skiffctl';
import type { TestCluster } from '../harness/index.js';
import { poll } from '../harness/eventually.js';
import { startStreamsCluster, STREAMS_NODE as NODE, STREAMS_TOKEN as TOKEN, streamsPod as pod, type StreamsCluster } from '../harness/streams-cluster.js';

async function collect(call: ReturnType<StreamClient['logs']>): Promise<string> {
  let text = '';
  for await (const c of logChunks(call)) text += c.data.toString();
  return text;
}

/** Runs one exec to its end: the output and the exit code. */
function execOnce(client: StreamClient, start: PodExecStart, stdin?: string): Promise<{ stdout: string; stderr: string; exitCode?: number }> {
  return new Promise((resolve, reject) => {
    const call = client.exec();
    const out = { stdout: '', stderr: '', exitCode: undefined as number | undefined };
    call.on('data', (m: PodExecResponse) => {
      out.stdout += m.stdout.toString();
      out.stderr += m.stderr.toString();
      if (m.exited) out.exitCode = m.exitCode;
    });
    call.on('error', reject);
    call.on('end', () => resolve(out));
    call.write({ start });
    if (stdin !== undefined) {
      call.write({ stdin: Buffer.from(stdin) });
      call.write({ stdinClose: true });
    }
    call.end();
  });
}

async function cli(cluster: TestCluster, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new StringOutput();
  const stderr = new StringOutput();
  const code = await runCli(['--server', cluster.server.address, ...args], { stdout, stderr, stdin: (async function* () {})() });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('pod streams through the apiserver (fake runtime)', { timeout: 120_000 }, () => {
  let streams: StreamsCluster;
  let cluster: TestCluster;
  let cs: Clientset;
  let runtime: FakeRuntime;
  let users: StreamClient;
  const containerOf = (name: string, container = 'main') => streams.containerOf(name, container);

  before(async () => {
    streams = await startStreamsCluster({
      pods: [pod('web'), pod('duo', ['app', 'sidecar'])],
      execHandler: (_id, cmd, stdin) => {
        if (cmd[0] === 'cat') return { exitCode: 0, stdout: stdin ?? '', stderr: '' };
        if (cmd[0] === 'sh' && cmd[1] === '-c') return { exitCode: Number(/exit (\d+)/.exec(cmd[2] ?? '')?.[1] ?? 0), stdout: 'out\n', stderr: 'err\n' };
        return { exitCode: 127, stdout: '', stderr: `${cmd[0]}: not found\n` };
      },
    });
    ({ cluster, cs, runtime, users } = streams);
    const web = await containerOf('web');
    for (let i = 1; i <= 5; i++) runtime.writeLog(web.id, i % 2 ? 'stdout' : 'stderr', `line ${i}`);
  });
  after(async () => {
    await streams?.close();
  });

  it('publishes the agent port in the Node', async () => {
    const node: Node = await cs.nodes().get(NODE);
    assert.ok((node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0) > 0);
  });

  const logCases = [
    { name: 'every line', req: {}, want: 'line 1\nline 2\nline 3\nline 4\nline 5\n' },
    { name: 'tail 2', req: { tailLines: 2 }, want: 'line 4\nline 5\n' },
    { name: 'tail 0', req: { tailLines: 0 }, want: '' },
    { name: 'since a minute', req: { sinceSeconds: 60, tailLines: 1 }, want: 'line 5\n' },
  ];
  for (const c of logCases) {
    it(`PodLogs: ${c.name}`, async () => {
      assert.equal(await collect(users.logs({ target: { name: 'web' }, ...c.req })), c.want);
    });
  }

  it('PodLogs: timestamps prefix each line with an RFC 3339 time', async () => {
    const text = await collect(users.logs({ target: { name: 'web' }, tailLines: 1, timestamps: true }));
    assert.match(text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line 5\n$/);
  });

  it('PodLogs: follow delivers new lines as they are written, until cancelled', async () => {
    const web = await containerOf('web');
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const c of logChunks(users.logs({ target: { name: 'web' }, tailLines: 1, follow: true }), abort.signal)) {
        seen.push(c.data.toString());
        if (seen.join('').includes('line 7')) abort.abort();
      }
    })();
    await poll('the tail line', 10_000, async () => (seen.join('').includes('line 5') ? true : undefined));
    runtime.writeLog(web.id, 'stdout', 'line 6');
    runtime.writeLog(web.id, 'stdout', 'line 7');
    await reading;
    assert.equal(seen.join(''), 'line 5\nline 6\nline 7\n');
  });

  const errorCases = [
    { name: 'an unknown pod', req: { target: { name: 'nope' } }, code: 'NOT_FOUND', message: /pods "nope" not found/ },
    { name: 'an unknown container', req: { target: { name: 'web', container: 'db' } }, code: 'INVALID_ARGUMENT', message: /container db is not valid for pod web/ },
    { name: 'no container for a pod of two', req: { target: { name: 'duo' } }, code: 'INVALID_ARGUMENT', message: /a container name must be specified for pod duo, choose one of: \[app sidecar\]/ },
    { name: 'previous with no exited instance', req: { target: { name: 'web' }, previous: true }, code: 'FAILED_PRECONDITION', message: /previous terminated container "main" in pod "web" not found/ },
    { name: 'since and sinceTime together', req: { target: { name: 'web' }, sinceSeconds: 5, sinceTime: '2026-01-01T00:00:00Z' }, code: 'INVALID_ARGUMENT', message: /at most one of sinceTime or sinceSeconds/ },
  ];
  for (const c of errorCases) {
    it(`PodLogs refuses ${c.name}`, async () => {
      await assert.rejects(collect(users.logs(c.req)), (e: unknown) => isApiError(e) && e.code === c.code && c.message.test(e.message));
    });
  }

  it('PodLogs: previous shows the instance that exited before the current one', async () => {
    const first = await containerOf('duo', 'sidecar');
    runtime.writeLog(first.id, 'stdout', 'from the first sidecar');
    runtime.exitContainer(first.id, 1);
    await poll('sidecar restarted', 30_000, async () => ((await containerOf('duo', 'sidecar')).restartCount > first.restartCount ? true : undefined));
    assert.equal(await collect(users.logs({ target: { name: 'duo', container: 'sidecar' }, previous: true })), 'from the first sidecar\n');
    assert.equal(await collect(users.logs({ target: { name: 'duo', container: 'sidecar' } })), '');
  });

  it('skiffctl logs: --tail, -c, and the error for a missing container name', async () => {
    // (lines 6 and 7 came from the follow case)
    assert.deepEqual(await cli(cluster, ['logs', 'web', '--tail', '2']), { code: 0, stdout: 'line 6\nline 7\n', stderr: '' });
    assert.deepEqual(await cli(cluster, ['logs', 'pod/web', '-c', 'main', '--tail=1', '--timestamps']).then((r) => ({ code: r.code, ok: /Z line 7\n$/.test(r.stdout) })), { code: 0, ok: true });
    const r = await cli(cluster, ['logs', 'duo']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a container name must be specified for pod duo, choose one of: \[app sidecar\]/);
  });

  const execCases = [
    { name: 'exit code and both streams', start: { target: { name: 'web' }, command: ['sh', '-c', 'exit 3'] }, want: { stdout: 'out\n', stderr: 'err\n', exitCode: 3 } },
    { name: 'stdin reaches the command', start: { target: { name: 'web' }, command: ['cat'], stdin: true }, stdin: 'hello\n', want: { stdout: 'hello\n', stderr: '', exitCode: 0 } },
    { name: 'a command not found', start: { target: { name: 'duo', container: 'app' }, command: ['nope'] }, want: { stdout: '', stderr: 'nope: not found\n', exitCode: 127 } },
  ];
  for (const c of execCases) {
    it(`PodExec: ${c.name}`, async () => {
      assert.deepEqual(await execOnce(users, c.start, c.stdin), c.want);
    });
  }

  it('PodExec refuses an empty command', async () => {
    await assert.rejects(execOnce(users, { target: { name: 'web' }, command: [] }), (e: unknown) => (e as { code?: number }).code === 3 && /start.command: Required value/.test((e as Error).message));
  });

  it('skiffctl exec: the exit code, stdout and stderr, -i with stdin, arguments after --', async () => {
    assert.deepEqual(await cli(cluster, ['exec', 'web', '--', 'sh', '-c', 'exit 3']), { code: 3, stdout: 'out\n', stderr: 'err\ncommand terminated with exit code 3\n' });
    const stdout = new StringOutput();
    const stderr = new StringOutput();
    const code = await runCli(['--server', cluster.server.address, 'exec', '-i', 'duo', '-c', 'app', '--', 'cat'], { stdout, stderr, stdin: (async function* () { yield 'piped '; yield Buffer.from('input'); })() });
    assert.deepEqual({ code, stdout: stdout.text, stderr: stderr.text }, { code: 0, stdout: 'piped input', stderr: '' });
    const tty = await cli(cluster, ['exec', '-t', 'web', '--', 'sh', '-c', 'exit 0']);
    assert.deepEqual(tty, { code: 0, stdout: 'out\n', stderr: 'Unable to use a TTY - input is not a terminal or the right kind of file\nerr\n' });
    const none = await cli(cluster, ['exec', 'web']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /you must specify at least one command for the container/);
  });

  it('TopPods and skiffctl top pods: usage per pod and per container from the agent', async () => {
    const web = await containerOf('web');
    runtime.usage.set(web.id, { cpuNanoCores: 12_000_000, memoryWorkingSetBytes: 5 * 1024 * 1024 });
    const { response } = await users.unary<{ items: { name: string; containers: { name: string; cpuNanoCores: number }[] }[] }>('TopPods', { namespace: 'default' });
    assert.deepEqual(response.items.map((p) => p.name), ['duo', 'web']);
    assert.deepEqual(response.items[1]!.containers.map((c) => [c.name, c.cpuNanoCores]), [['main', 12_000_000]]);
    const r = await cli(cluster, ['top', 'pods', 'web']);
    assert.deepEqual(r, { code: 0, stdout: 'NAME   CPU(cores)   MEMORY(bytes)\nweb    12m          5Mi\n', stderr: '' });
    const nodes = await cli(cluster, ['top', 'nodes']);
    assert.equal(nodes.code, 0, nodes.stderr);
    assert.match(nodes.stdout, new RegExp(`^NAME +CPU\\(cores\\) +CPU\\(%\\) +MEMORY\\(bytes\\) +MEMORY\\(%\\)\n${NODE} +\\d+m +\\d+% +\\d+Mi +\\d+%\n$`));
  });

  it("the agent refuses calls without the apiserver's token", async () => {
    const node: Node = await cs.nodes().get(NODE);
    const address = `127.0.0.1:${node.status?.daemonEndpoints?.kubeletEndpoint?.Port}`;
    for (const token of [undefined, 'wrong-token']) {
      const direct = new StreamClient({ server: address, service: NODE_AGENT_SERVICE, ...(token ? { token } : {}) });
      try {
        await assert.rejects(collect(direct.logs({ target: { name: 'web' } })), (e: unknown) => isApiError(e) && e.code === 'UNAUTHENTICATED');
        await assert.rejects(direct.unary('NodeStats', {}), (e: unknown) => isApiError(e) && e.code === 'UNAUTHENTICATED');
      } finally {
        direct.close();
      }
    }
    const trusted = new StreamClient({ server: address, service: NODE_AGENT_SERVICE, token: TOKEN });
    try {
      assert.equal(await collect(trusted.logs({ target: { name: 'web' }, tailLines: 1 })), (await collect(users.logs({ target: { name: 'web' }, tailLines: 1 }))));
    } finally {
      trusted.close();
    }
  });
});
