// Registers the Node and keeps its status (the kubelet's registerWithAPIServer + updateNodeStatus):
// the Node is created, or, when it exists, its labels and podCIDR are filled in; every 10 s the
// Node is read from the apiserver, its status computed and written when it differs from the
// server's (so conditions the node lifecycle controller set to Unknown are put right at once, and a
// podCIDR assigned later is seen), and at least every 5 minutes (nodeStatusReportFrequency) as a
// heartbeat of the conditions' lastHeartbeatTime. A Node deleted meanwhile is registered again.
import { isApiError, type Node, type NodeCondition } from '@skiff/api';
import { discardLogger, realClock, sleep, type Clientset, type Clock, type Logger } from '@skiff/machinery';
import { canonical } from '../status/pod-status.js';
import { conditionsEqual, nodeConditions, type NodeHealth } from './node-conditions.js';
import { nodeObject, type NodeFactsInput } from './node-facts.js';

export const NODE_STATUS_UPDATE_MS = 10_000;
export const NODE_STATUS_REPORT_MS = 5 * 60_000;

export interface NodeStatusOptions {
  clients: Clientset;
  facts: () => NodeFactsInput;
  health: () => Promise<NodeHealth>;
  /** the --pod-cidr flag: used when the Node has no spec.podCIDR */
  podCIDR?: string;
  clock?: Clock;
  log?: Logger;
  updateMs?: number;
  reportMs?: number;
}

export class NodeStatusReporter {
  private node: Node | undefined;
  private lastReportMs = 0;
  private readonly clock: Clock;
  private readonly log: Logger;

  constructor(private readonly o: NodeStatusOptions) {
    this.clock = o.clock ?? realClock;
    this.log = o.log ?? discardLogger();
  }

  /** the Node as last read or written */
  current(): Node | undefined {
    return this.node;
  }

  /** spec.podCIDR of the Node, else the flag */
  podCIDR(): string | undefined {
    return this.node?.spec?.podCIDR || this.o.podCIDR;
  }

  /** Creates the Node or adopts the existing one, then writes its status once. */
  async register(): Promise<Node> {
    const want = nodeObject(this.o.facts(), this.o.podCIDR);
    const nodes = this.o.clients.nodes();
    try {
      this.node = await nodes.create(want);
      this.log.info('node registered', { node: want.metadata.name });
    } catch (e) {
      if (!isApiError(e) || e.code !== 'ALREADY_EXISTS') throw e;
      const cur = await nodes.get(want.metadata.name ?? '');
      const labels = { ...(cur.metadata.labels ?? {}), ...(want.metadata.labels ?? {}) };
      const needsCIDR = !cur.spec?.podCIDR && this.o.podCIDR !== undefined;
      if (canonical(labels) !== canonical(cur.metadata.labels ?? {}) || needsCIDR) {
        const spec = needsCIDR ? { ...(cur.spec ?? {}), podCIDR: this.o.podCIDR, podCIDRs: [this.o.podCIDR as string] } : cur.spec;
        this.node = await nodes.update({ ...cur, metadata: { ...cur.metadata, labels }, ...(spec ? { spec } : {}) });
      } else {
        this.node = cur;
      }
      this.log.info('node exists: adopted', { node: want.metadata.name });
    }
    await this.write(this.node, true);
    return this.node;
  }

  /**
   * Reads the Node from the apiserver, then writes its status when it differs from what the agent
   * sees, or when the report is due (or `force`); true when written.
   */
  async sync(force = false): Promise<boolean> {
    if (!this.node) throw new Error('the node is not registered');
    let node: Node;
    try {
      node = await this.o.clients.nodes().get(this.node.metadata.name ?? '');
    } catch (e) {
      if (!isApiError(e, 'NOT_FOUND')) throw e;
      this.log.warn('the Node object is gone: registering again', { node: this.node.metadata.name });
      await this.register();
      return true;
    }
    this.node = node;
    return this.write(node, force);
  }

  private async write(node: Node, force: boolean): Promise<boolean> {
    const now = this.clock.now();
    const want = nodeObject(this.o.facts(), this.o.podCIDR).status ?? {};
    const prev: NodeCondition[] = node.status?.conditions ?? [];
    const conditions = nodeConditions(prev, await this.o.health(), new Date(now).toISOString());
    const { conditions: _c, ...rest } = node.status ?? {};
    const changed = canonical(rest) !== canonical(want) || !conditionsEqual(prev, conditions);
    if (!force && !changed && now - this.lastReportMs < (this.o.reportMs ?? NODE_STATUS_REPORT_MS)) return false;
    const { resourceVersion: _rv, ...metadata } = node.metadata;
    this.node = await this.o.clients.nodes().updateStatus({ ...node, metadata, status: { ...node.status, ...want, conditions } });
    this.lastReportMs = now;
    if (changed) this.log.info('node status updated', { ready: conditions.find((c) => c.type === 'Ready')?.status });
    return true;
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await sleep(this.clock, this.o.updateMs ?? NODE_STATUS_UPDATE_MS, signal);
      if (signal.aborted) return;
      try {
        await this.sync();
      } catch (err) {
        this.log.warn('node status update failed', { err });
      }
    }
  }
}
