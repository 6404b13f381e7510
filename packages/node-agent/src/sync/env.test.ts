import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfigMap, Container, Pod, Secret, Service } from '@skiff/api';
import { staticEnvSources } from '../env/env-sources.js';
import { containerEnvironment } from '../spec/env.js';
import { envInput } from './env.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const cm = (name: string, data: Record<string, string>, ns = 'app'): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });
const secret = (name: string, data: Record<string, string>): Secret => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'app' }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });
const svc = (ns: string, name: string, ip: string, port = 80): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { clusterIP: ip, ports: [{ port, protocol: 'TCP' }] } });

const sources = staticEnvSources({
  configMaps: [cm('cfg', { mode: 'fast', 'bad-key!': 'x', 'LEVEL': '3' })],
  secrets: [secret('creds', { password: 's3cret' })],
  services: [svc('app', 'db', '10.96.0.20', 5432), svc('default', 'kubernetes', '10.96.0.1', 443), svc('default', 'other', '10.96.0.9')],
});

function pod(container: Partial<Container>, spec: Partial<NonNullable<Pod['spec']>> = {}): { pod: Pod; container: Container } {
  const c: Container = { name: 'main', image: 'busybox', ...container };
  return {
    pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'app', uid: 'u-1', labels: { tier: 'web' }, annotations: { 'a/b': 'v' } }, spec: { nodeName: 'n1', serviceAccountName: 'sa', containers: [c], ...spec } },
    container: c,
  };
}

function envOf(container: Partial<Container>, spec: Partial<NonNullable<Pod['spec']>> = {}, warnings: string[] = []): Record<string, string> {
  const p = pod(container, spec);
  const input = envInput(p.pod, p.container, { podIP: '10.244.1.5', hostIP: '192.0.2.1' }, { sources, allocatable: { cpu: '2', memory: '4Gi' }, onInvalidKeys: (m) => warnings.push(m) });
  return Object.fromEntries(containerEnvironment(input).map((e) => [e.name, e.value]));
}

void describe('envInput', () => {
  const cases: { name: string; container: Partial<Container>; spec?: Partial<NonNullable<Pod['spec']>>; want: Record<string, string | undefined> }[] = [
    { name: 'configMapKeyRef', container: { env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'mode' } } }] }, want: { MODE: 'fast' } },
    { name: 'secretKeyRef is decoded', container: { env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } }] }, want: { PW: 's3cret' } },
    { name: 'optional missing key is not set', container: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'nope', optional: true } } }] }, want: { X: undefined } },
    { name: 'optional missing secret is not set', container: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } }] }, want: { X: undefined } },
    {
      name: 'fieldRefs',
      container: {
        env: [
          { name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
          { name: 'L', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
          { name: 'A', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['a/b']" } } },
          { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
          { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        ],
      },
      want: { N: 'web-1', NS: 'app', UID: 'u-1', L: 'web', A: 'v', NODE: 'n1', SA: 'sa', IP: '10.244.1.5', IPS: '10.244.1.5', HOST: '192.0.2.1' },
    },
    {
      name: 'resourceFieldRef with divisor, and the allocatable for an unset limit',
      container: {
        resources: { limits: { memory: '256Mi', cpu: '500m' }, requests: { cpu: '250m' } },
        env: [
          { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
          { name: 'CPU_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        ],
      },
      want: { MEM_MI: '256', CPU: '1', CPU_M: '250' },
    },
    { name: 'unset limit is the node allocatable', container: { env: [{ name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Gi' } } }] }, want: { MEM: '4' } },
    {
      name: 'envFrom with prefix; env overrides; literal expands against earlier values',
      container: { envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }], env: [{ name: 'CFG_LEVEL', value: '9' }, { name: 'URL', value: 'x://$(password)@$(DB_SERVICE_HOST)' }] },
      want: { CFG_mode: 'fast', CFG_LEVEL: '9', password: 's3cret', URL: 'x://s3cret@10.96.0.20', 'CFG_bad-key!': undefined },
    },
    {
      name: 'service variables of the namespace and the master service',
      container: {},
      want: {
        DB_SERVICE_HOST: '10.96.0.20',
        DB_SERVICE_PORT: '5432',
        DB_PORT: 'tcp://10.96.0.20:5432',
        DB_PORT_5432_TCP: 'tcp://10.96.0.20:5432',
        DB_PORT_5432_TCP_PROTO: 'tcp',
        DB_PORT_5432_TCP_PORT: '5432',
        DB_PORT_5432_TCP_ADDR: '10.96.0.20',
        KUBERNETES_SERVICE_HOST: '10.96.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        OTHER_SERVICE_HOST: undefined,
      },
    },
    { name: 'enableServiceLinks false keeps only the master service', container: {}, spec: { enableServiceLinks: false }, want: { DB_SERVICE_HOST: undefined, KUBERNETES_SERVICE_HOST: '10.96.0.1' } },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const got = envOf(c.container, c.spec);
      for (const [k, v] of Object.entries(c.want)) assert.equal(got[k], v, k);
    });
  }

  void it('reports envFrom keys that are not variable names', () => {
    const warnings: string[] = [];
    envOf({ envFrom: [{ configMapRef: { name: 'cfg' } }] }, {}, warnings);
    assert.deepEqual(warnings, ['Keys [bad-key!] from the EnvFrom configMap app/cfg were skipped since they are considered invalid environment variable names.']);
  });

  const errors: { name: string; container: Partial<Container>; message: string }[] = [
    { name: 'missing configmap', container: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, message: 'configmap "gone" not found' },
    { name: 'missing configmap key', container: { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, message: "couldn't find key k in ConfigMap app/cfg" },
    { name: 'missing secret key', container: { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] }, message: "couldn't find key k in Secret app/creds" },
    { name: 'missing envFrom secret', container: { envFrom: [{ secretRef: { name: 'gone' } }] }, message: 'secret "gone" not found' },
  ];
  for (const c of errors) {
    void it(`error: ${c.name}`, () => {
      assert.throws(() => envOf(c.container), { name: 'ContainerConfigError', message: c.message });
    });
  }
});
