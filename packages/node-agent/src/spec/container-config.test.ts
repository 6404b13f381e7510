import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Container, PodSpec } from '@skiff/api';
import { ContainerConfigError } from '../errors.js';
import { containerConfig, type ContainerConfigInput } from './container-config.js';
import { containerPorts, sandboxPorts } from './ports.js';

const pod = { uid: 'u1', namespace: 'default', name: 'web' };
const image = { entrypoint: ['/docker-entrypoint.sh'], cmd: ['nginx'], user: '' };

function input(container: Container, spec: Partial<PodSpec> = {}): ContainerConfigInput {
  return { pod, spec: { containers: [container], ...spec }, container, restartCount: 2, image, env: {}, node: { memoryCapacityBytes: 4 * 1024 ** 3 } };
}

void describe('containerConfig', () => {
  void it('gathers command, env, resources, security, ports', () => {
    const c: Container = {
      name: 'app',
      image: 'nginx:1',
      args: ['-g', 'daemon off; $(MODE)'],
      workingDir: '/srv',
      ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP', hostPort: 5353 }],
      resources: { requests: { cpu: '500m', memory: '128Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
      securityContext: { runAsUser: 101, readOnlyRootFilesystem: true },
    };
    const got = containerConfig({ ...input(c), env: { env: [{ name: 'MODE', value: 'prod', literal: true }] } });
    assert.deepEqual(got.entrypoint, ['/docker-entrypoint.sh']);
    assert.deepEqual(got.cmd, ['-g', 'daemon off; prod']);
    assert.deepEqual(got.env, [{ name: 'MODE', value: 'prod' }]);
    assert.equal(got.workingDir, '/srv');
    assert.equal(got.restartCount, 2);
    assert.deepEqual(got.resources, { cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, memoryLimitBytes: 134217728, memorySwapLimitBytes: 134217728, oomScoreAdj: -997 });
    assert.deepEqual(got.security, { user: '101', readOnlyRootfs: true });
    assert.deepEqual(got.ports, [{ containerPort: 80, protocol: 'tcp' }, { containerPort: 53, protocol: 'udp' }]);
    assert.match(got.specHash ?? '', /^[0-9a-f]{16}$/);
  });

  void it('the spec hash follows the container spec', () => {
    const a = containerConfig(input({ name: 'app', image: 'x:1' })).specHash;
    assert.equal(containerConfig(input({ name: 'app', image: 'x:1' })).specHash, a);
    assert.notEqual(containerConfig(input({ name: 'app', image: 'x:2' })).specHash, a);
  });

  void it('a bad security context is a ContainerConfigError', () => {
    assert.throws(() => containerConfig(input({ name: 'app', image: 'x', securityContext: { runAsNonRoot: true } })), ContainerConfigError);
  });

  void it('the oom score floor applies', () => {
    const c: Container = { name: 'app', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } };
    assert.equal(containerConfig({ ...input(c), node: { memoryCapacityBytes: 1 << 30, minOomScoreAdj: 0 } }).resources?.oomScoreAdj, 0);
  });
});

void describe('ports', () => {
  const spec: Pick<PodSpec, 'containers' | 'initContainers'> = {
    containers: [
      { name: 'a', ports: [{ containerPort: 8080, hostPort: 80, hostIP: '10.0.0.1' }, { containerPort: 9090 }] },
      { name: 'b', ports: [{ containerPort: 53, protocol: 'SCTP', hostPort: 53 }] },
    ],
    initContainers: [{ name: 'i', ports: [{ containerPort: 1, hostPort: 1 }] }],
  };
  void it('containers expose their ports without host ports', () => {
    assert.deepEqual(containerPorts(spec.containers[0]!), [{ containerPort: 8080, protocol: 'tcp' }, { containerPort: 9090, protocol: 'tcp' }]);
  });
  void it('the sandbox binds every host port of the pod', () => {
    assert.deepEqual(sandboxPorts(spec), [
      { containerPort: 1, protocol: 'tcp', hostPort: 1 },
      { containerPort: 8080, protocol: 'tcp', hostPort: 80, hostIP: '10.0.0.1' },
      { containerPort: 53, protocol: 'sctp', hostPort: 53 },
    ]);
  });
});
