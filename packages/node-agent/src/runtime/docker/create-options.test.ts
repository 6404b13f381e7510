import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerConfig, PodSandboxConfig } from '../runtime.js';
import { containerCreateOptions, sandboxCreateOptions } from './create-options.js';

const pod = { uid: 'u1', namespace: 'default', name: 'web' };
const ctx = { infraImage: 'skiff/pause:0.1', network: 'skiff-pods' };

void describe('sandboxCreateOptions', () => {
  const cases: { name: string; config: PodSandboxConfig; check: (o: ReturnType<typeof sandboxCreateOptions>) => void }[] = [
    {
      name: 'pod network, hostname, labels, shareable IPC',
      config: { pod, attempt: 0, hostname: 'web', labels: { app: 'web', 'io.skiff.pod.uid': 'forged' } },
      check: (o) => {
        assert.equal(o.name, 'skiff_POD_web_default_u1_0');
        assert.equal(o.Image, 'skiff/pause:0.1');
        assert.equal(o.Hostname, 'web');
        assert.equal(o.HostConfig?.NetworkMode, 'skiff-pods');
        assert.equal(o.HostConfig?.IpcMode, 'shareable');
        assert.equal(o.Labels?.app, 'web');
        assert.equal(o.Labels?.['io.skiff.pod.uid'], 'u1', 'reserved labels cannot be forged by the pod');
        assert.equal(o.Labels?.['io.skiff.type'], 'sandbox');
        assert.equal(o.HostConfig?.PortBindings, undefined);
      },
    },
    {
      name: 'host ports bound on the sandbox',
      config: { pod, attempt: 1, hostname: 'web', ports: [{ containerPort: 8080, protocol: 'tcp', hostPort: 80 }, { containerPort: 53, protocol: 'udp', hostPort: 53, hostIP: '127.0.0.1' }, { containerPort: 9, protocol: 'tcp' }] },
      check: (o) => {
        assert.equal(o.name, 'skiff_POD_web_default_u1_1');
        assert.deepEqual(o.HostConfig?.PortBindings, { '8080/tcp': [{ HostIp: '', HostPort: '80' }], '53/udp': [{ HostIp: '127.0.0.1', HostPort: '53' }] });
        assert.deepEqual(o.ExposedPorts, { '8080/tcp': {}, '53/udp': {} });
      },
    },
    {
      name: 'the pod resolv.conf, domain and host aliases on the sandbox',
      config: { pod, attempt: 0, hostname: 'web', domain: 'sub.default.svc.cluster.local', dns: { servers: ['10.96.0.10'], searches: ['default.svc.cluster.local'], options: ['ndots:5'] }, extraHosts: ['db:10.0.0.5'] },
      check: (o) => {
        assert.equal(o.Domainname, 'sub.default.svc.cluster.local');
        assert.deepEqual(o.HostConfig?.Dns, ['10.96.0.10']);
        assert.deepEqual(o.HostConfig?.DnsSearch, ['default.svc.cluster.local']);
        assert.deepEqual(o.HostConfig?.DnsOptions, ['ndots:5']);
        assert.deepEqual(o.HostConfig?.ExtraHosts, ['db:10.0.0.5']);
      },
    },
    {
      name: 'no search path is Docker\'s "."',
      config: { pod, attempt: 0, hostname: 'web', dns: { servers: ['1.1.1.1'], searches: [], options: [] } },
      check: (o) => {
        assert.deepEqual(o.HostConfig?.DnsSearch, ['.']);
        assert.equal(o.HostConfig?.DnsOptions, undefined);
      },
    },
    {
      name: 'host network: no hostname, no bindings',
      config: { pod, attempt: 0, hostname: 'web', hostNetwork: true, ports: [{ containerPort: 80, protocol: 'tcp', hostPort: 80 }] },
      check: (o) => {
        assert.equal(o.HostConfig?.NetworkMode, 'host');
        assert.equal(o.Hostname, undefined);
        assert.equal(o.HostConfig?.PortBindings, undefined);
      },
    },
  ];
  for (const c of cases) void it(c.name, () => c.check(sandboxCreateOptions(c.config, ctx)));
});

void describe('containerCreateOptions', () => {
  const base: ContainerConfig = { pod, name: 'app', restartCount: 3, image: 'nginx:1', entrypoint: [], cmd: ['echo', 'hi'], env: [{ name: 'A', value: 'x=y' }] };
  const cases: { name: string; config: ContainerConfig; check: (o: ReturnType<typeof containerCreateOptions>) => void }[] = [
    {
      name: 'joins the sandbox; explicit entrypoint and cmd; env; labels',
      config: base,
      check: (o) => {
        assert.equal(o.name, 'skiff_app_web_default_u1_3');
        assert.equal(o.HostConfig?.NetworkMode, 'container:sb1');
        assert.equal(o.HostConfig?.IpcMode, 'container:sb1');
        assert.deepEqual(o.Entrypoint, [], 'an empty entrypoint stays explicit so the image one is not merged');
        assert.deepEqual(o.Cmd, ['echo', 'hi']);
        assert.deepEqual(o.Env, ['A=x=y']);
        assert.equal(o.Labels?.['io.skiff.container.name'], 'app');
        assert.equal(o.Labels?.['io.skiff.container.restart-count'], '3');
        assert.equal(o.Labels?.['io.skiff.sandbox.id'], 'sb1');
        assert.equal(o.User, undefined);
      },
    },
    {
      name: 'volume mounts as binds, read-only kept',
      config: { ...base, mounts: [{ hostPath: '/var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~configmap/cfg', containerPath: '/etc/app', readOnly: true }, { hostPath: '/data', containerPath: '/data', readOnly: false }] },
      check: (o) => {
        assert.deepEqual(o.HostConfig?.Mounts, [
          { Type: 'bind', Source: '/var/lib/skiff-agent/pods/u1/volumes/kubernetes.io~configmap/cfg', Target: '/etc/app', ReadOnly: true },
          { Type: 'bind', Source: '/data', Target: '/data', ReadOnly: false },
        ]);
      },
    },
    {
      name: 'resources and security',
      config: {
        ...base,
        workingDir: '/w',
        resources: { cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, memoryLimitBytes: 1 << 27, memorySwapLimitBytes: 1 << 27, oomScoreAdj: 3 },
        security: { user: '1000:1000', groupAdd: ['5'], privileged: true, readOnlyRootfs: true, capAdd: ['NET_ADMIN'], capDrop: ['ALL'], noNewPrivileges: true },
        ports: [{ containerPort: 80, protocol: 'tcp' }],
        tty: true,
        stdin: true,
        stdinOnce: true,
      },
      check: (o) => {
        const h = o.HostConfig!;
        assert.deepEqual([h.CpuShares, h.CpuQuota, h.CpuPeriod, h.Memory, h.MemorySwap, h.OomScoreAdj], [512, 50000, 100000, 1 << 27, 1 << 27, 3]);
        assert.deepEqual([h.Privileged, h.ReadonlyRootfs, h.CapAdd, h.CapDrop, h.GroupAdd, h.SecurityOpt], [true, true, ['NET_ADMIN'], ['ALL'], ['5'], ['no-new-privileges']]);
        assert.equal(o.User, '1000:1000');
        assert.equal(o.WorkingDir, '/w');
        assert.equal(o.ExposedPorts, undefined, 'Docker refuses exposed ports with a container: network mode');
        assert.deepEqual([o.Tty, o.OpenStdin, o.StdinOnce], [true, true, true]);
      },
    },
  ];
  for (const c of cases) void it(c.name, () => c.check(containerCreateOptions('sb1', c.config)));
});
