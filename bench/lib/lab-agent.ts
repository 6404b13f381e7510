// A 1-node lab with skiff-node-agent on it, for the node benchmarks: the lab (`@skiff/lab`, images
// from the shared cache), a private etcd, skiff-apiserver on the lab bridge's gateway (off loopback it
// wants a token file) and the agent as a lab node runs it (`nsenter --net`, `--docker-host` of the
// node). `stop()` removes all of it; the agent's pid is the node process (nsenter execs it).
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_IMAGE_CACHE, down, status, up, type NodeStatus } from '@skiff/lab';
import { Clientset, createClient, type Client } from '@skiff/machinery';
import { freePort, startEtcd, track, UNLIMITED, type BenchEtcd, type Child } from './apiserver-etcd.js';

const exec = promisify(execFile);

async function freeSubnet(second: number): Promise<string> {
  const { stdout: routes } = await exec('ip', ['-4', 'route', 'show', 'table', 'all']);
  const { stdout: addrs } = await exec('ip', ['-4', '-o', 'addr', 'show']);
  for (let third = 0; third < 256; third++) {
    const prefix = `10.${second}.${third}.`;
    if (!routes.includes(prefix) && !addrs.includes(prefix)) return `${prefix}0/24`;
  }
  throw new Error(`no free /24 in 10.${second}.0.0/16`);
}

function spawnTracked(cmd: string, args: string[]): Child {
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SKIFF_LOG_LEVEL: process.env.SKIFF_LOG_LEVEL ?? 'warn' } });
  return track(proc, 20_000);
}

export interface LabAgent {
  node: NodeStatus;
  client: Client;
  cs: Clientset;
  agent: Child;
  /** `docker -H <node> ARGS` */
  docker(args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startLabAgent(root: string, tag: string): Promise<LabAgent> {
  const dir = await mkdtemp(join(tmpdir(), `skiff-bench-${tag}-`));
  const lab = { name: `bench-${tag}-${randomBytes(3).toString('hex')}`, stateDir: join(dir, 'state') };
  let etcd: BenchEtcd | undefined;
  let api: Child | undefined;
  let agent: Child | undefined;
  let client: Client | undefined;
  const stop = async (): Promise<void> => {
    client?.close();
    await agent?.stop();
    await api?.stop();
    await etcd?.stop();
    await down(lab).catch((e: unknown) => console.error(`${tag}: lab down: ${String(e)}`));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const subnet = await freeSubnet(195);
    await up({ ...lab, nodes: 1, subnet, imageCacheDir: DEFAULT_IMAGE_CACHE });
    const node = (await status(lab))!.nodes[0]!;
    const gateway = subnet.replace(/\.0\/24$/, '.1');
    etcd = await startEtcd(dir);
    const token = randomBytes(16).toString('hex');
    const tokenFile = join(dir, 'tokens');
    await writeFile(tokenFile, `${token},admin\n`);
    const address = `${gateway}:${await freePort()}`;
    api = spawnTracked(process.execPath, [join(root, 'packages/apiserver/dist/main.js'), '--etcd-servers', etcd.endpoint, '--listen', address, '--http-listen', '', '--token-file', tokenFile]);
    client = createClient({ server: address, token, rateLimit: UNLIMITED });
    const cs = new Clientset(client);
    await until(`skiff-apiserver at ${address}`, 120_000, api, async () => (await client!.discovery(), true));
    const podCIDR = await freeSubnet(194);
    agent = spawnTracked('nsenter', [
      `--net=/run/netns/${node.netns}`,
      process.execPath,
      // e.g. --cpu-prof --cpu-prof-dir=DIR to see where the agent's time goes
      ...(process.env.SKIFF_BENCH_AGENT_NODE_ARGS ?? '').split(' ').filter(Boolean),
      join(root, 'packages/node-agent/dist/main.js'),
      '--server', address,
      '--token', token,
      '--node-name', node.name,
      '--node-ip', node.address,
      '--docker-host', node.dockerHost,
      '--pod-cidr', podCIDR,
      '--cluster-cidr', '10.194.0.0/16',
      '--root-dir', join(dir, 'agent'),
      '--health-port', '-1',
    ]);
    await until('the node Ready', 120_000, agent, async () => {
      const n = await cs.nodes().get(node.name).catch(() => undefined);
      return n?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
    });
    const sock = node.dockerHost;
    return {
      node,
      client,
      cs,
      agent,
      docker: async (args) => (await exec('docker', ['-H', sock, ...args], { maxBuffer: 1 << 24 })).stdout,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function until(what: string, timeoutMs: number, proc: Child, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.proc.exitCode !== null) throw new Error(`${what}: the process exited: ${proc.logTail()}`);
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms: ${proc.logTail()}`);
}
