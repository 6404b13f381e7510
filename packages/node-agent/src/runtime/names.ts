// Container names on the runtime, as dockershim named them (k8s_POD_<pod>_<ns>_<uid>_<attempt> and
// k8s_<container>_<pod>_<ns>_<uid>_<restarts>) with our own prefix. Names are for people reading
// `docker ps`; the agent identifies containers by their labels only.
import type { ContainerConfig, PodSandboxConfig } from './runtime.js';

const PREFIX = 'skiff';
const SANDBOX = 'POD';

export function sandboxName(config: PodSandboxConfig): string {
  return [PREFIX, SANDBOX, config.pod.name, config.pod.namespace, config.pod.uid, String(config.attempt)].join('_');
}

export function containerName(config: ContainerConfig): string {
  return [PREFIX, config.name, config.pod.name, config.pod.namespace, config.pod.uid, String(config.restartCount)].join('_');
}
