// The Docker bridge network on the node's pod CIDR: Docker's IPAM hands out the pod IPs, Docker's
// masquerade is off (the pod network's own chain masquerades only traffic leaving the cluster), and
// the Linux bridge gets a known name.
import type Docker from 'dockerode';
import { PodNetworkError } from '../errors.js';
import { formatCidr, nthAddress, parseCidr } from './cidr.js';

const BRIDGE_NAME = 'com.docker.network.bridge.name';
const MASQUERADE = 'com.docker.network.bridge.enable_ip_masquerade';
const OWNER_LABEL = 'io.skiff.pod-network';

export interface BridgeSpec {
  name: string;
  bridge: string;
  podCIDR: string;
}

export function validateBridgeName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(name)) throw new PodNetworkError(`bridge name ${JSON.stringify(name)}: at most 15 letters, digits, '.', '_' or '-'`);
}

export function bridgeCreateOptions(spec: BridgeSpec): Docker.NetworkCreateOptions {
  const cidr = parseCidr(spec.podCIDR, 'podCIDR');
  validateBridgeName(spec.bridge);
  return {
    Name: spec.name,
    Driver: 'bridge',
    CheckDuplicate: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: formatCidr(cidr), Gateway: nthAddress(cidr, 1) }] },
    Options: { [BRIDGE_NAME]: spec.bridge, [MASQUERADE]: 'false' },
    Labels: { [OWNER_LABEL]: formatCidr(cidr) },
  };
}

/** How an existing network differs from the wanted one (empty when it matches). */
export function bridgeDrift(spec: BridgeSpec, info: Docker.NetworkInspectInfo): string[] {
  const drift: string[] = [];
  const subnets = (info.IPAM?.Config ?? []).map((c) => c.Subnet);
  const want = formatCidr(parseCidr(spec.podCIDR, 'podCIDR'));
  if (subnets.length !== 1 || subnets[0] !== want) drift.push(`network ${spec.name} has subnet ${subnets.join(',') || 'none'}, not ${want}`);
  if (info.Driver !== 'bridge') drift.push(`network ${spec.name} has driver ${info.Driver}, not bridge`);
  if (info.Options?.[BRIDGE_NAME] !== spec.bridge) drift.push(`network ${spec.name} uses bridge ${info.Options?.[BRIDGE_NAME] ?? '(docker default)'}, not ${spec.bridge}`);
  if (info.Options?.[MASQUERADE] !== 'false') drift.push(`network ${spec.name} has Docker's masquerade on`);
  return drift;
}

async function inspect(docker: Docker, name: string): Promise<Docker.NetworkInspectInfo | undefined> {
  try {
    return (await docker.getNetwork(name).inspect()) as Docker.NetworkInspectInfo;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return undefined;
    throw new PodNetworkError(`inspect network ${name}: ${(e as Error).message}`, { cause: e });
  }
}

/** Makes the network, or makes it again when it differs and no container uses it. */
export async function ensureBridgeNetwork(docker: Docker, spec: BridgeSpec): Promise<void> {
  const info = await inspect(docker, spec.name);
  if (info) {
    const drift = bridgeDrift(spec, info);
    if (drift.length === 0) return;
    const users = Object.keys(info.Containers ?? {}).length;
    if (users > 0) throw new PodNetworkError(`${drift.join('; ')}; ${users} container(s) still use it, so it cannot be made again`);
    await removeBridgeNetwork(docker, spec.name);
  }
  try {
    await docker.createNetwork(bridgeCreateOptions(spec));
  } catch (e) {
    throw new PodNetworkError(`create network ${spec.name} on ${spec.podCIDR}: ${(e as Error).message}`, { cause: e });
  }
}

export async function bridgeNetworkDrift(docker: Docker, spec: BridgeSpec): Promise<string[]> {
  const info = await inspect(docker, spec.name);
  return info ? bridgeDrift(spec, info) : [`network ${spec.name} is missing`];
}

/** Removes the network unless a container still uses it; returns whether it is gone. */
export async function removeBridgeNetwork(docker: Docker, name: string): Promise<boolean> {
  const info = await inspect(docker, name);
  if (!info) return true;
  if (Object.keys(info.Containers ?? {}).length > 0) return false;
  try {
    await docker.getNetwork(name).remove();
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw new PodNetworkError(`remove network ${name}: ${(e as Error).message}`, { cause: e });
  }
  return true;
}
