// A node agent on the in-memory runtime against a test apiserver, configured as the integration
// tests run it (one place for that configuration): the agent's own client is the cluster's, no
// health server, a short PLEG relist, the fake runtime handing out IPs of the node's pod CIDR.
import { FakeRuntime, run, type AgentConfig, type RunningAgent } from '@skiff/node-agent';
import type { TestCluster } from './apiserver.js';

export const FAKE_POD_CIDR = '10.244.9.0/24';
export const FAKE_CLUSTER_CIDR = '10.244.0.0/16';

export interface FakeAgentOptions extends Partial<Omit<AgentConfig, 'podCIDR' | 'containerRuntime'>> {
  nodeName: string;
  /** --pod-cidr, also the range of the default runtime's pod IPs (default FAKE_POD_CIDR); null: none given */
  podCIDR?: string | null;
  /** the runtime (default: a FakeRuntime on the pod CIDR that pulls any image) */
  containerRuntime?: FakeRuntime;
}

/** The agent's configuration: the defaults below, then `opts`. */
export function fakeAgentConfig(cluster: TestCluster, opts: FakeAgentOptions): AgentConfig & { containerRuntime: FakeRuntime } {
  const { podCIDR = FAKE_POD_CIDR, containerRuntime, ...rest } = opts;
  return {
    server: cluster.server.address,
    client: cluster.client,
    runtime: 'fake',
    nodeIP: '127.0.0.1',
    clusterCIDR: FAKE_CLUSTER_CIDR,
    infraImage: 'skiff/pause:0.1',
    healthPort: -1,
    plegRelistMs: 300,
    ...(podCIDR ? { podCIDR } : {}),
    ...rest,
    containerRuntime: containerRuntime ?? new FakeRuntime({ podCIDR: podCIDR ?? FAKE_POD_CIDR, pullAny: true }),
  };
}

export interface FakeAgent {
  agent: RunningAgent;
  runtime: FakeRuntime;
  /** Stops the agent (its pods stay in the runtime, as the kubelet leaves them running). */
  stop(): Promise<void>;
}

/** Runs the agent until `stop()`. */
export async function startFakeAgent(cluster: TestCluster, opts: FakeAgentOptions): Promise<FakeAgent> {
  const ac = new AbortController();
  const config = fakeAgentConfig(cluster, opts);
  const agent = await run(config, ac.signal);
  return {
    agent,
    runtime: config.containerRuntime,
    async stop() {
      ac.abort();
      await agent.stopped;
    },
  };
}
