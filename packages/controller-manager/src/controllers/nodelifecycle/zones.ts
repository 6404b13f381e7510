// Zones and their eviction rate, as Kubernetes' node lifecycle controller: nodes are grouped by the
// topology region and zone labels; a zone with no ready node is fully disrupted, one with more than
// two not-ready nodes making up at least --unhealthy-zone-threshold of it partially disrupted, else
// normal. Tainting for eviction goes at --node-eviction-rate in a normal (or fully disrupted) zone;
// in a partially disrupted zone at --secondary-node-eviction-rate if it has more than
// --large-cluster-size-threshold nodes, else not at all; when every zone is fully disrupted the
// controller assumes it is the one cut off and evicts nothing.
import type { Node } from '@skiff/api';

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];

/** Kubernetes' GetZoneKey: region and zone ("" for a node without them). */
export function zoneOf(node: Node): string {
  const l = node.metadata.labels ?? {};
  const zone = ZONE_LABELS.map((k) => l[k]).find((v) => v !== undefined) ?? '';
  const region = REGION_LABELS.map((k) => l[k]).find((v) => v !== undefined) ?? '';
  return region || zone ? `${region}:\x00:${zone}` : '';
}

export function zoneState(ready: number, notReady: number, unhealthyThreshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (ready + notReady) >= unhealthyThreshold) return 'PartialDisruption';
  return 'Normal';
}

export interface EvictionRates {
  nodeEvictionRate: number;
  secondaryNodeEvictionRate: number;
  largeClusterSizeThreshold: number;
}

/** Nodes tainted per second in a zone of `size` nodes in `state`. */
export function zoneRate(state: ZoneState, size: number, rates: EvictionRates): number {
  if (state === 'PartialDisruption') return size > rates.largeClusterSizeThreshold ? rates.secondaryNodeEvictionRate : 0;
  return rates.nodeEvictionRate;
}

/** A token bucket of burst 1 (Kubernetes' evictionLimiterBurst) at `qps`; 0 takes nothing. */
export class TokenBucket {
  private tokens = 1;
  private last: number;

  constructor(
    readonly qps: number,
    now: number,
  ) {
    this.last = now;
  }

  private refill(now: number): void {
    if (this.qps <= 0) return;
    this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  /** Takes a token if there is one. */
  tryTake(now: number): boolean {
    this.refill(now);
    if (this.qps <= 0 || this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there (undefined: never at this rate). */
  waitMs(now: number): number | undefined {
    if (this.qps <= 0) return undefined;
    this.refill(now);
    return Math.max(0, Math.ceil(((1 - this.tokens) / this.qps) * 1000));
  }
}
