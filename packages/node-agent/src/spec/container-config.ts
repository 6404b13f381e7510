// A pod spec's container to the runtime's ContainerConfig: one function gathering the pure
// translations of this folder (command, env, resources, security, ports, QoS). Values from
// ConfigMaps, Secrets and the downward API come in already resolved (`env`).
import { createHash } from 'node:crypto';
import type { Container, PodSpec } from '@skiff/api';
import type { ContainerConfig, ImageInfo, PodRef } from '../runtime/runtime.js';
import { resolveCommand } from './command.js';
import { containerEnvironment, type EnvInput } from './env.js';
import { oomScoreAdj } from './oom-score.js';
import { containerPorts } from './ports.js';
import { podQOSClass } from './qos.js';
import { linuxResources } from './resources.js';
import { containerSecurity } from './security.js';

export interface NodeFacts {
  memoryCapacityBytes: number;
  /** the lowest oom_score_adj the node may set (0 without CAP_SYS_RESOURCE); default -1000 */
  minOomScoreAdj?: number;
}

export interface ContainerConfigInput {
  pod: PodRef;
  spec: Pick<PodSpec, 'containers' | 'initContainers' | 'securityContext'>;
  container: Container;
  restartCount: number;
  /** the inspected image the container will run */
  image: Pick<ImageInfo, 'entrypoint' | 'cmd' | 'user'>;
  env: EnvInput;
  node: NodeFacts;
}

/** A short hash of a container's spec, to see that it changed (the kubelet's container hash). */
export function containerSpecHash(container: Container): string {
  return createHash('sha256').update(JSON.stringify(container)).digest('hex').slice(0, 16);
}

export function containerConfig(input: ContainerConfigInput): ContainerConfig {
  const { container } = input;
  const env = containerEnvironment(input.env);
  const { entrypoint, cmd } = resolveCommand(container, input.image, env);
  const qos = podQOSClass(input.spec);
  const config: ContainerConfig = {
    pod: input.pod,
    name: container.name,
    restartCount: input.restartCount,
    image: container.image ?? '',
    entrypoint,
    cmd,
    env,
    resources: linuxResources(container.resources, oomScoreAdj(qos, container.resources, input.node.memoryCapacityBytes, input.node.minOomScoreAdj)),
    security: containerSecurity({ pod: input.pod, podSecurityContext: input.spec.securityContext, container, imageUser: input.image.user }),
    ports: containerPorts(container),
    specHash: containerSpecHash(container),
  };
  if (container.workingDir) config.workingDir = container.workingDir;
  if (container.tty) config.tty = true;
  if (container.stdin) config.stdin = true;
  if (container.stdinOnce) config.stdinOnce = true;
  return config;
}
