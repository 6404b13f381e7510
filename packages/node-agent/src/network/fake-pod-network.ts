// The pod network in memory, for unit tests and hollow nodes: the same route plan as the real one,
// applied to a pretend routing table.
import { parseCidr } from './cidr.js';
import type { PeerNode, PodNetwork, PodNetworkConfig, RouteChange } from './pod-network.js';
import { desiredRoutes, planRoutes } from './routes.js';

export class FakePodNetwork implements PodNetwork {
  /** destination -> via */
  readonly routes = new Map<string, string>();
  ready = false;
  setUpCalls = 0;

  constructor(readonly config: PodNetworkConfig) {
    parseCidr(config.podCIDR, 'podCIDR');
    parseCidr(config.clusterCIDR, 'clusterCIDR');
  }

  async setUp(): Promise<void> {
    this.setUpCalls++;
    this.ready = true;
  }

  async syncRoutes(peers: readonly PeerNode[]): Promise<RouteChange[]> {
    const observed = [...this.routes].map(([destination, via]) => ({ destination, via }));
    const changes = planRoutes(observed, desiredRoutes(this.config.podCIDR, peers));
    for (const c of changes) {
      if (c.action === 'delete') this.routes.delete(c.destination);
      else this.routes.set(c.destination, c.via);
    }
    return changes;
  }

  async check(): Promise<string | undefined> {
    return this.ready ? undefined : 'the pod network is not set up';
  }

  async cleanUp(): Promise<void> {
    this.routes.clear();
    this.ready = false;
  }
}
