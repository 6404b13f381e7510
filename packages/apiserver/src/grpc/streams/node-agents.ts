// How the apiserver reaches a node's agent (Kubernetes' kubelet client): the Node's InternalIP and
// the port its agent publishes in status.daemonEndpoints.kubeletEndpoint.Port, with the shared
// agent token. One client (one HTTP/2 connection) per address, kept while the address holds.
import { ApiError, type Node } from '@skiff/api';
import { NODE_AGENT_SERVICE, StreamClient } from '@skiff/machinery';

/** host:port of a node's agent server; FAILED_PRECONDITION when the Node does not say. */
export function agentAddress(node: Node): string {
  const name = node.metadata.name ?? '';
  const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!ip) throw new ApiError('FAILED_PRECONDITION', `node "${name}" has no InternalIP address`, { reason: 'BadRequest' });
  if (!port) throw new ApiError('FAILED_PRECONDITION', `node "${name}" publishes no agent port (status.daemonEndpoints.kubeletEndpoint.Port): its agent runs without --server-token-file`, { reason: 'BadRequest' });
  return `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}

export class NodeAgents {
  private readonly clients = new Map<string, StreamClient>();

  /** `token`: the agents' shared token; without one, every streaming call is refused. */
  constructor(private readonly token: string | undefined) {}

  client(node: Node): StreamClient {
    if (!this.token) throw new ApiError('FAILED_PRECONDITION', 'the apiserver has no token for the node agents (--node-agent-token-file): logs, exec, port-forward and top are off', { reason: 'BadRequest' });
    const address = agentAddress(node);
    let c = this.clients.get(address);
    if (!c) {
      c = new StreamClient({ server: address, token: this.token, service: NODE_AGENT_SERVICE, userAgent: 'skiff-apiserver', timeoutMs: 15_000 });
      this.clients.set(address, c);
    }
    return c;
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}
