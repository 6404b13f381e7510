// A cluster for the pod streams (logs, exec, port-forward, top): a real apiserver on a private etcd
// that knows the agents' token, one node agent on the fake runtime serving skiff.v1.NodeAgent with
// that token, the test's pods Running on it, and a StreamClient for users of the apiserver.
import { execFile } from 'node:child_process';
import type { Pod } from '@skiff/api';
import { Clientset, StreamClient } from '@skiff/machinery';
import type { ContainerSummary, ExecHandler, ExecResult, FakeRuntime } from '@skiff/node-agent';
import { startCluster, type TestCluster } from './apiserver.js';
import { poll } from './eventually.js';
import { startFakeAgent, type FakeAgent } from './fake-agent.js';

export const STREAMS_NODE = 'streams-node-1';
export const STREAMS_TOKEN = 'agent-token-0123456789';

export interface StreamsCluster {
  cluster: TestCluster;
  cs: Clientset;
  agent: FakeAgent;
  runtime: FakeRuntime;
  /** a user's client of the apiserver's pod streams */
  users: StreamClient;
  /** The current instance (highest restart count) of a container of a pod. */
  containerOf(pod: string, container?: string): Promise<ContainerSummary>;
  close(): Promise<void>;
}

/** A pod bound to the streams node, in namespace default, with busybox containers. */
export function streamsPod(name: string, containers = ['main'], spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: STREAMS_NODE, terminationGracePeriodSeconds: 0, containers: containers.map((c) => ({ name: c, image: 'busybox:1.36' })), ...spec },
  };
}

/**
 * An exec handler for the fake runtime that runs the command on this machine (the container is the
 * test's host): its real output and exit code, stdin as the client sent it.
 */
export const hostExec: ExecHandler = (_id, cmd, stdin) =>
  new Promise<ExecResult>((resolve) => {
    const child = execFile(cmd[0] ?? '', cmd.slice(1), { timeout: 10_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 127) : 0;
      resolve({ exitCode: code, stdout, stderr: err && typeof err.code !== 'number' ? `${err.message}\n` : stderr });
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(stdin ?? '');
  });

/** Starts the cluster and the agent, creates `pods` and waits until each runs. */
export async function startStreamsCluster(opts: { pods: Pod[]; execHandler?: ExecHandler }): Promise<StreamsCluster> {
  const cluster = await startCluster({ nodeAgentToken: STREAMS_TOKEN });
  let agent: FakeAgent | undefined;
  let users: StreamClient | undefined;
  const close = async (): Promise<void> => {
    users?.close();
    await agent?.stop();
    await cluster.close();
  };
  try {
    const cs = new Clientset(cluster.client);
    agent = await startFakeAgent(cluster, { nodeName: STREAMS_NODE, serverToken: STREAMS_TOKEN, serverPort: 0 });
    const runtime = agent.runtime;
    if (opts.execHandler) runtime.execHandler = opts.execHandler;
    users = new StreamClient({ server: cluster.server.address });
    for (const p of opts.pods) await cs.pods('default').create(p);
    for (const p of opts.pods) {
      const name = p.metadata.name ?? '';
      await poll(`${name} Running`, 30_000, async () => ((await cs.pods('default').get(name)).status?.phase === 'Running' ? true : undefined));
    }
    const containerOf = async (name: string, container = 'main'): Promise<ContainerSummary> => {
      const p = await cs.pods('default').get(name);
      const all = await runtime.listContainers({ podUid: p.metadata.uid ?? '' });
      const c = all.filter((x) => x.name === container).sort((a, b) => b.restartCount - a.restartCount)[0];
      if (!c) throw new Error(`no container ${container} of pod ${name}`);
      return c;
    };
    return { cluster, cs, agent, runtime, users, containerOf, close };
  } catch (e) {
    await close();
    throw e;
  }
}
