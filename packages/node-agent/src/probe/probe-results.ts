// What a pod's sync and status need from the probes of a container instance (ProbeManager gives
// it; without probes a running container is started and ready).
import type { Container } from '@skiff/api';

export interface ContainerProbeStatus {
  ready: boolean;
  started: boolean;
  /** the container failed its liveness or startup probe and must be restarted */
  failed?: 'liveness' | 'startup';
}

export interface ProbeResults {
  status(podUid: string, container: Container, containerId: string, running: boolean): ContainerProbeStatus;
}

export const noProbes: ProbeResults = { status: (_u, _c, _id, running) => ({ ready: running, started: running }) };
