// Container ports: informational on the container (Docker's ExposedPorts); the host ports of all
// the pod's containers are bound on the sandbox, which owns the network. Protocol defaults to TCP.
import type { Container, ContainerPort, PodSpec } from '@skiff/api';
import type { PortMapping } from '../runtime/runtime.js';

function mapping(p: ContainerPort, withHost: boolean): PortMapping {
  const m: PortMapping = { containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP').toLowerCase() as PortMapping['protocol'] };
  if (withHost && p.hostPort) {
    m.hostPort = p.hostPort;
    if (p.hostIP) m.hostIP = p.hostIP;
  }
  return m;
}

export function containerPorts(container: Pick<Container, 'ports'>): PortMapping[] {
  return (container.ports ?? []).map((p) => mapping(p, false));
}

/** The host ports of a pod (containers and init containers), for its sandbox. */
export function sandboxPorts(spec: Pick<PodSpec, 'containers' | 'initContainers'>): PortMapping[] {
  return [...(spec.initContainers ?? []), ...spec.containers].flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => mapping(p, true)));
}
