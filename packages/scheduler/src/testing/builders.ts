// Pods, nodes and a framework for tests, built on the real types and logic (no mocks).
import type { Affinity, ContainerPort, Node, Pod, Taint, Toleration, TopologySpreadConstraint } from '@skiff/api';
import { resolveConfig } from '../config/resolve.js';
import type { KubeSchedulerProfile } from '../config/types.js';
import { CycleState } from '../framework/cycle-state.js';
import { Framework } from '../framework/framework.js';
import type { PodBinder } from '../framework/interface.js';
import { NodeInfo } from '../framework/node-info.js';
import { Snapshot } from '../framework/snapshot.js';
import { inTreeRegistry } from '../plugins/registry.js';

export interface NodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  ephemeralStorage?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
  images?: { names: string[]; sizeBytes: number }[];
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const allocatable: Record<string, string> = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
  if (o.ephemeralStorage) allocatable['ephemeral-storage'] = o.ephemeralStorage;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { allocatable, capacity: allocatable, images: o.images },
  };
}

export interface PodOptions {
  namespace?: string;
  cpu?: string;
  memory?: string;
  ephemeralStorage?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  priority?: number;
  preemptionPolicy?: string;
  tolerations?: Toleration[];
  affinity?: Affinity;
  nodeSelector?: Record<string, string>;
  ports?: ContainerPort[];
  initContainers?: { cpu?: string; memory?: string }[];
  overhead?: Record<string, string>;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  schedulerName?: string;
  image?: string;
  containers?: number;
  startTime?: string;
}

function requests(cpu?: string, memory?: string, eph?: string): Record<string, string> | undefined {
  const r: Record<string, string> = {};
  if (cpu) r.cpu = cpu;
  if (memory) r.memory = memory;
  if (eph) r['ephemeral-storage'] = eph;
  return Object.keys(r).length ? r : undefined;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const n = o.containers ?? 1;
  const containers = Array.from({ length: n }, (_, i) => ({
    name: `c${i}`,
    image: o.image ?? 'busybox',
    resources: { requests: requests(o.cpu, o.memory, o.ephemeralStorage) },
    ports: i === 0 ? o.ports : undefined,
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: `uid-${name}`, labels: o.labels },
    spec: {
      containers,
      initContainers: o.initContainers?.map((c, i) => ({ name: `init${i}`, image: 'busybox', resources: { requests: requests(c.cpu, c.memory) } })),
      nodeName: o.nodeName,
      priority: o.priority,
      preemptionPolicy: o.preemptionPolicy,
      tolerations: o.tolerations,
      affinity: o.affinity,
      nodeSelector: o.nodeSelector,
      overhead: o.overhead,
      topologySpreadConstraints: o.topologySpreadConstraints,
      schedulerName: o.schedulerName,
    },
    status: { phase: o.nodeName ? 'Running' : 'Pending', startTime: o.startTime },
  };
}

/** A snapshot of nodes with the given pods placed on them by spec.nodeName. */
export function makeSnapshot(nodes: Node[], pods: Pod[] = []): Snapshot {
  return Snapshot.of(nodes.map((n) => new NodeInfo(n, pods.filter((p) => p.spec?.nodeName === n.metadata.name))));
}

/** The default profile (optionally changed) over a fixed snapshot. */
export function makeFramework(snapshot: Snapshot, profile: KubeSchedulerProfile = {}, binder?: PodBinder): Framework {
  const cfg = resolveConfig({ profiles: [profile] }, inTreeRegistry);
  return new Framework(cfg.profiles[0], { registry: inTreeRegistry, snapshot: () => snapshot, binder });
}

export function newState(): CycleState {
  return new CycleState();
}
