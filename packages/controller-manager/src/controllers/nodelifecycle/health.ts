// What the node lifecycle controller knows of each node's health, as Kubernetes' nodeHealthMap: the
// last time (on this controller's clock) the node showed a sign of life, a new Ready heartbeat in its
// status or a renewed Lease in kube-node-lease. A node silent for longer than the grace period (the
// startup grace period if it never reported) has its conditions set to Unknown.
import type { Lease, Node, NodeCondition } from '@skiff/api';
import { condition } from './taints.js';

/** The conditions a silent node's agent no longer vouches for (Kubernetes' Ready + remainingNodeConditionTypes). */
export const NODE_CONDITION_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

interface Health {
  probeTimestamp: number;
  heartbeat?: string;
  renewTime?: string;
}

export class NodeHealthTracker {
  private readonly byNode = new Map<string, Health>();

  /** Notes the signs of life in `node` and `lease`; returns the time of the last one. */
  observe(node: Node, lease: Lease | undefined, now: number): number {
    const name = node.metadata.name!;
    const heartbeat = condition(node, 'Ready')?.lastHeartbeatTime;
    const renewTime = lease?.spec?.renewTime;
    let h = this.byNode.get(name);
    if (!h) {
      // First sight (also after a restart): a full grace period from now, or from creation if it never reported.
      const created = Date.parse(node.metadata.creationTimestamp ?? '');
      h = { probeTimestamp: condition(node, 'Ready') || Number.isNaN(created) ? now : created, heartbeat, renewTime };
      this.byNode.set(name, h);
      return h.probeTimestamp;
    }
    if (heartbeat !== h.heartbeat) {
      h.heartbeat = heartbeat;
      h.probeTimestamp = now;
    }
    if (renewTime && renewTime !== h.renewTime && (!h.renewTime || Date.parse(renewTime) > Date.parse(h.renewTime))) {
      h.renewTime = renewTime;
      h.probeTimestamp = now;
    }
    return h.probeTimestamp;
  }

  forget(name: string): void {
    this.byNode.delete(name);
  }
}

/**
 * The conditions of a node that has been silent too long: Ready and the pressure conditions
 * Unknown (reason NodeStatusUnknown, or NodeStatusNeverUpdated for a condition never reported),
 * transition time `now` where the status changes. Undefined when nothing changes.
 */
export function unknownConditions(node: Node, now: string): NodeCondition[] | undefined {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of NODE_CONDITION_TYPES) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: now });
      changed = true;
    } else if (c.status !== 'Unknown') {
      c.status = 'Unknown';
      c.reason = 'NodeStatusUnknown';
      c.message = 'Kubelet stopped posting node status.';
      c.lastTransitionTime = now;
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
