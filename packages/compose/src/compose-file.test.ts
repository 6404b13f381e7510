import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { composeFile, renderComposeFile } from './compose-file.js';

interface Service {
  command: string[];
  privileged?: boolean;
  cap_add?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  device_cgroup_rules?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
}

const services = (nodes: number, cidr?: string) => (composeFile(nodes, cidr) as { services: Record<string, Service> }).services;

const cases: { name: string; nodes: number; cidr?: string; want: Record<string, string> }[] = [
  { name: 'two nodes on the default cluster CIDR', nodes: 2, want: { node1: '10.244.1.0/24', node2: '10.244.2.0/24' } },
  { name: 'three nodes on another CIDR', nodes: 3, cidr: '10.150.0.0/16', want: { node1: '10.150.1.0/24', node2: '10.150.2.0/24', node3: '10.150.3.0/24' } },
  { name: 'one node', nodes: 1, want: { node1: '10.244.1.0/24' } },
];

void describe('composeFile', () => {
  for (const c of cases) {
    void it(`${c.name}: a node service each, with its pod CIDR`, () => {
      const s = services(c.nodes, c.cidr);
      const nodes = Object.entries(s).filter(([, v]) => v.command[0] === 'node');
      assert.deepEqual(Object.fromEntries(nodes.map(([k, v]) => [k, v.environment!.SKIFF_POD_CIDR])), c.want);
      assert.deepEqual(Object.keys(s).filter((k) => !k.startsWith('node')), ['etcd', 'apiserver', 'scheduler', 'controller-manager', 'registry']);
    });
  }

  void it('nodes run docker in docker with the flags that work here, never --privileged', () => {
    const n = services(2).node1!;
    assert.equal(n.privileged, undefined);
    assert.deepEqual(n.cap_add, ['ALL']);
    assert.deepEqual(n.cap_drop, ['SYS_RESOURCE']);
    assert.deepEqual(n.security_opt, ['seccomp=unconfined', 'apparmor=unconfined']);
    assert.deepEqual(n.device_cgroup_rules, ['a *:* rwm']);
    assert.ok(n.volumes!.includes('/sys/fs/cgroup:/sys/fs/cgroup:rw'));
    assert.ok(n.volumes!.includes('/var/lib/docker'), 'the inner data root on a volume');
    assert.equal(n.environment!.SKIFF_CGROUP_PARENT, '/skiff-compose-${SKIFF_PROJECT:-skiff}-node1');
  });

  void it('deploy/compose/docker-compose.yml is the rendering for 2 nodes', () => {
    const file = readFileSync(new URL('../../../deploy/compose/docker-compose.yml', import.meta.url), 'utf8');
    assert.equal(file, renderComposeFile(2));
  });
});
