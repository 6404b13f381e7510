// The pod network on a real node: the Docker bridge network through the node's dockerd, routes and
// iptables through `ip` and `iptables` in the node's network namespace (the agent's own, or one a
// CommandRunner enters).
import type Docker from 'dockerode';
import { PodNetworkError } from '../errors.js';
import { bridgeNetworkDrift, ensureBridgeNetwork, removeBridgeNetwork, validateBridgeName, type BridgeSpec } from './bridge-network.js';
import { parseCidr } from './cidr.js';
import type { CommandRunner } from './command-runner.js';
import { cleanupCommands, parseSave, restorePayload, rulesDrift, type RulesSpec } from './iptables-rules.js';
import { DEFAULT_BRIDGE_NAME, DEFAULT_NETWORK_NAME, type PeerNode, type PodNetwork, type PodNetworkConfig, type RouteChange } from './pod-network.js';
import { desiredRoutes, parseOwnedRoutes, planRoutes, ROUTE_PROTOCOL, routeCommand, type OwnedRoute } from './routes.js';

export class HostPodNetwork implements PodNetwork {
  private readonly bridge: BridgeSpec;
  private readonly rules: RulesSpec;

  constructor(
    private readonly docker: Docker,
    private readonly runner: CommandRunner,
    private readonly config: PodNetworkConfig,
  ) {
    parseCidr(config.podCIDR, 'podCIDR');
    parseCidr(config.clusterCIDR, 'clusterCIDR');
    this.bridge = { name: config.networkName ?? DEFAULT_NETWORK_NAME, bridge: config.bridgeName ?? DEFAULT_BRIDGE_NAME, podCIDR: config.podCIDR };
    validateBridgeName(this.bridge.bridge);
    this.rules = { podCIDR: config.podCIDR, clusterCIDR: config.clusterCIDR };
  }

  get networkName(): string {
    return this.bridge.name;
  }

  private async save() {
    return parseSave((await this.runner.run('iptables-save', [])).stdout);
  }

  async setUp(): Promise<void> {
    await ensureBridgeNetwork(this.docker, this.bridge);
    // Docker made DOCKER-USER when it started; read after the network so its chains are all there
    const payload = restorePayload(this.rules, await this.save());
    if (payload) await this.runner.run('iptables-restore', ['-w', '--noflush'], { input: payload });
  }

  private async ownedRoutes(): Promise<OwnedRoute[]> {
    return parseOwnedRoutes((await this.runner.run('ip', ['-4', '-o', 'route', 'show', 'table', 'main', 'proto', ROUTE_PROTOCOL])).stdout);
  }

  async syncRoutes(peers: readonly PeerNode[]): Promise<RouteChange[]> {
    const changes = planRoutes(await this.ownedRoutes(), desiredRoutes(this.config.podCIDR, peers));
    // one unreachable node must not keep the routes to the others from being made
    const failed: string[] = [];
    const done: RouteChange[] = [];
    for (const c of changes) {
      try {
        await this.runner.run('ip', routeCommand(c));
        done.push(c);
      } catch (e) {
        failed.push(e instanceof Error ? e.message : String(e));
      }
    }
    if (failed.length) throw new PodNetworkError(`${failed.length} of ${changes.length} route changes failed: ${failed.join('; ')}`);
    return done;
  }

  async check(): Promise<string | undefined> {
    const drift = [...(await bridgeNetworkDrift(this.docker, this.bridge)), ...rulesDrift(this.rules, await this.save())];
    return drift.length ? drift.join('; ') : undefined;
  }

  async cleanUp(): Promise<void> {
    for (const args of cleanupCommands(await this.save())) await this.runner.run('iptables', args, { allowFail: true });
    for (const r of await this.ownedRoutes()) await this.runner.run('ip', routeCommand({ action: 'delete', ...r }), { allowFail: true });
    await removeBridgeNetwork(this.docker, this.bridge.name);
  }
}
