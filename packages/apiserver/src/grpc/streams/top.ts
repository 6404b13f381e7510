// TopPods and TopNodes: the agents' NodeStats of the nodes concerned, asked in parallel; a node
// that does not answer is left out with a warning, as the metrics API shows what it has.
import { ApiError, type Node, type Pod } from '@skiff/api';
import type { NodeStatsResponse, NodeUsage, PodUsage } from '@skiff/machinery';
import type { Registry } from '../../registry/registry.js';
import type { NodeAgents } from './node-agents.js';

interface Gathered {
  stats: Map<string, NodeStatsResponse>;
  warnings: string[];
}

async function gather(agents: NodeAgents, nodes: Node[]): Promise<Gathered> {
  const stats = new Map<string, NodeStatsResponse>();
  const warnings: string[] = [];
  await Promise.all(
    nodes.map(async (n) => {
      const name = n.metadata.name ?? '';
      try {
        stats.set(name, (await agents.client(n).unary<NodeStatsResponse>('NodeStats', {})).response);
      } catch (e) {
        warnings.push(`node ${name}: no usage figures: ${(e as Error).message}`);
      }
    }),
  );
  return { stats, warnings };
}

function listAll(registry: Registry, resource: string, namespace: string, labelSelector: string, fieldSelector: string) {
  return registry.list(resource, { namespace, labelSelector, fieldSelector, limit: 0, continueToken: '', resourceVersion: '' });
}

export async function topPods(registry: Registry, agents: NodeAgents, req: { namespace?: string; labelSelector?: string; name?: string }): Promise<{ response: { items: PodUsage[] }; warnings: string[] }> {
  const fields = ['status.phase=Running', ...(req.name ? [`metadata.name=${req.name}`] : [])].join(',');
  const pods = (await listAll(registry, 'pods', req.namespace ?? '', req.labelSelector ?? '', fields)).items as Pod[];
  const nodeNames = [...new Set(pods.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
  const nodes = (await Promise.all(nodeNames.map((n) => registry.get('nodes', '', n).catch(() => undefined)))).filter((n): n is Node => !!n);
  const { stats, warnings } = await gather(agents, nodes);
  const wanted = new Set(pods.map((p) => p.metadata.uid));
  const items = [...stats.values()]
    .flatMap((s) => s.pods ?? [])
    .filter((p) => wanted.has(p.uid))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  if (req.name && items.length === 0) throw new ApiError('NOT_FOUND', `podmetrics.metrics.k8s.io "${req.namespace || 'default'}/${req.name}" not found`, { reason: 'NotFound' });
  return { response: { items }, warnings };
}

export async function topNodes(registry: Registry, agents: NodeAgents, req: { labelSelector?: string; name?: string }): Promise<{ response: { items: NodeUsage[] }; warnings: string[] }> {
  const nodes = (await listAll(registry, 'nodes', '', req.labelSelector ?? '', req.name ? `metadata.name=${req.name}` : '')).items as Node[];
  const { stats, warnings } = await gather(agents, nodes);
  const items = [...stats.values()].map((s) => s.node).filter((n): n is NodeUsage => !!n).sort((a, b) => a.name.localeCompare(b.name));
  if (req.name && items.length === 0) throw new ApiError('NOT_FOUND', `nodemetrics.metrics.k8s.io "${req.name}" not found`, { reason: 'NotFound' });
  return { response: { items }, warnings };
}
