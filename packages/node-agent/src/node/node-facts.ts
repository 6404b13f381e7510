// What the agent reports about its machine (the kubelet's setNodeStatus "setters"): capacity and
// allocatable (cpu, memory, ephemeral-storage, pods = 110; allocatable is capacity minus the
// reservation: allocatable.ts), InternalIP and Hostname addresses, the kubernetes.io/hostname|os|arch
// labels and nodeInfo (kernel, OS image, runtime version).
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { Node, NodeSystemInfo } from '@skiff/api';
import { bytesQuantity, cpuQuantity, NO_RESERVATION, subtractReservation, type Reservation } from './allocatable.js';

export const MAX_PODS = 110;
export const AGENT_VERSION = 'v0.1.0-skiff';

export interface NodeFactsInput {
  nodeName: string;
  nodeIP: string;
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  kernelVersion: string;
  osImage: string;
  /** "docker://24.0.7" */
  containerRuntimeVersion: string;
  machineID: string;
  bootID: string;
  arch: string;
  /** the port of the agent's server, published as daemonEndpoints.kubeletEndpoint.Port */
  serverPort?: number;
  /** kube-reserved + system-reserved + the hard eviction thresholds (default none) */
  reservation?: Reservation;
}

/** the capacity as reported (memory and storage in whole KiB) */
export function capacityOf(f: NodeFactsInput): Reservation {
  return {
    cpuMilli: BigInt(f.cpus) * 1000n,
    memoryBytes: BigInt(Math.floor(f.memoryBytes / 1024)) * 1024n,
    ephemeralStorageBytes: BigInt(Math.floor(f.ephemeralStorageBytes / 1024)) * 1024n,
  };
}

/** capacity minus the reservation (the kubelet's allocatable) */
export function allocatableOf(f: NodeFactsInput): Reservation {
  return subtractReservation(capacityOf(f), f.reservation ?? NO_RESERVATION);
}

/** Go's GOARCH for Node's process.arch */
export function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[arch] ?? arch;
}

function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return fallback;
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readOr('/etc/os-release', ''));
  return m?.[1] ?? `${os.type()} ${os.release()}`;
}

/** the first non-internal IPv4 of the machine */
export function defaultNodeIP(): string {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

export function machineFacts(nodeName: string, nodeIP: string, containerRuntimeVersion: string): NodeFactsInput {
  let storage = 0;
  try {
    const s = statfsSync('/');
    storage = s.blocks * s.bsize;
  } catch {
    storage = 0;
  }
  return {
    nodeName,
    nodeIP,
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    ephemeralStorageBytes: storage,
    kernelVersion: os.release(),
    osImage: osImage(),
    containerRuntimeVersion,
    machineID: readOr('/etc/machine-id', ''),
    bootID: readOr('/proc/sys/kernel/random/boot_id', ''),
    arch: goArch(process.arch),
  };
}

/** The Node as registered: labels, spec (podCIDR when given), and its status without conditions. */
export function nodeObject(f: NodeFactsInput, podCIDR?: string): Node {
  const resources = {
    cpu: String(f.cpus),
    memory: `${Math.floor(f.memoryBytes / 1024)}Ki`,
    'ephemeral-storage': `${Math.floor(f.ephemeralStorageBytes / 1024)}Ki`,
    pods: String(MAX_PODS),
  };
  const a = allocatableOf(f);
  const allocatable = { cpu: cpuQuantity(a.cpuMilli), memory: bytesQuantity(a.memoryBytes), 'ephemeral-storage': bytesQuantity(a.ephemeralStorageBytes), pods: String(MAX_PODS) };
  const nodeInfo: NodeSystemInfo = {
    machineID: f.machineID,
    systemUUID: f.machineID,
    bootID: f.bootID,
    kernelVersion: f.kernelVersion,
    osImage: f.osImage,
    containerRuntimeVersion: f.containerRuntimeVersion,
    kubeletVersion: AGENT_VERSION,
    kubeProxyVersion: AGENT_VERSION,
    operatingSystem: 'linux',
    architecture: f.arch,
  };
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: f.nodeName, labels: { 'kubernetes.io/hostname': f.nodeName, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': f.arch } },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: {
      capacity: resources,
      allocatable,
      addresses: [
        { type: 'InternalIP', address: f.nodeIP },
        { type: 'Hostname', address: f.nodeName },
      ],
      nodeInfo,
      phase: 'Running',
      ...(f.serverPort ? { daemonEndpoints: { kubeletEndpoint: { Port: f.serverPort } } } : {}),
    },
  };
  return node;
}
