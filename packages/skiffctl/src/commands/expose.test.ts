import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { run } from '../testing/run.js';

const deploy = (name: string, selector: Record<string, unknown>, ports: number[]): KObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', labels: { team: 'a' } },
  spec: {
    selector,
    template: { metadata: { labels: { app: name, tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'x', ports: ports.map((p) => ({ containerPort: p })) }] } },
  },
});

const world = (): FakeClient =>
  new FakeClient({
    objects: [
      deploy('web', { matchLabels: { app: 'web' } }, [8080]),
      deploy('multi', { matchLabels: { app: 'multi' } }, [80, 443]),
      deploy('noport', { matchLabels: { app: 'noport' } }, []),
      deploy('expr', { matchLabels: { app: 'expr' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['x'] }] }, [80]),
    ],
  });

interface Case {
  name: string;
  argv: string[];
  stdout: string;
  stderr?: RegExp;
  code?: number;
  service?: { name: string; spec: Record<string, unknown>; labels?: Record<string, string> };
}

const cases: Case[] = [
  {
    name: '--port',
    argv: ['expose', 'deployment', 'web', '--port=80', '--target-port=8080'],
    stdout: 'service/web exposed\n',
    service: { name: 'web', labels: { team: 'a' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }] } },
  },
  {
    name: '--target-port defaults to --port; --name; --type NodePort',
    argv: ['expose', 'deploy/web', '--port=8080', '--name=web-np', '--type=NodePort'],
    stdout: 'service/web-np exposed\n',
    service: { name: 'web-np', spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 8080 }] } },
  },
  {
    name: 'ports from the containers, named when several',
    argv: ['expose', 'deploy/multi'],
    stdout: 'service/multi exposed\n',
    service: { name: 'multi', spec: { ports: [{ name: 'port-1', port: 80, targetPort: 80 }, { name: 'port-2', port: 443, targetPort: 443 }] } },
  },
  { name: 'no port anywhere', argv: ['expose', 'deploy/noport'], stdout: '', stderr: /^error: couldn't find port via --port flag or introspection\n/, code: 1 },
  { name: 'a selector with expressions', argv: ['expose', 'deploy/expr', '--port=80'], stdout: '', stderr: /^error: couldn't convert expressions/, code: 1 },
  { name: 'not found', argv: ['expose', 'deploy/nope', '--port=80'], stdout: '', stderr: /^Error from server \(NotFound\): deployments.apps "nope" not found\n$/, code: 1 },
];

for (const c of cases) {
  test(`expose: ${c.name}`, async () => {
    const client = world();
    const r = await run(client, c.argv);
    assert.equal(r.stdout, c.stdout, r.stderr);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    else assert.equal(r.stderr, '');
    assert.equal(r.code, c.code ?? 0);
    if (!c.service) {
      assert.deepEqual(client.writes(), []);
      return;
    }
    const svc = client.find('services', 'default', c.service.name) as KObject & { spec: Record<string, unknown> };
    assert.ok(svc, 'created');
    if (c.service.labels) assert.deepEqual(svc.metadata.labels, c.service.labels);
    for (const [k, v] of Object.entries(c.service.spec)) {
      if (k === 'ports') (v as Record<string, unknown>[]).forEach((p, i) => { for (const [pk, pv] of Object.entries(p)) assert.deepEqual((svc.spec.ports as Record<string, unknown>[])[i]![pk], pv, `ports[${i}].${pk}`); });
      else assert.deepEqual(svc.spec[k], v, k);
    }
  });
}
