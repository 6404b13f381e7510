// The node agent's containers against a real apiserver (private etcd) with the in-memory runtime:
// env from ConfigMaps and Secrets read through the agent's informers (a missing key is
// CreateContainerConfigError until the key exists), service variables, readiness and liveness
// probes (exec through the runtime) driving Ready and restarts, a startup probe holding them back, a
// failing postStart hook, an OOM kill in lastState, a preStop hook on deletion, and
// activeDeadlineSeconds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, type Event, type Pod } from '@skiff/api';
import { Clientset } from '@skiff/machinery';
import { FakeRuntime } from '@skiff/node-agent';
import { startCluster, type TestCluster } from '../harness/index.js';
import { poll } from '../harness/eventually.js';
import { FAKE_POD_CIDR, startFakeAgent, type FakeAgent } from '../harness/fake-agent.js';

const NODE = 'agent-ctr-node';

function pod(name: string, spec: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 5, containers: [{ name: 'main', image: 'busybox:1.36' }], ...spec },
  };
}

describe('node agent containers (fake runtime, real apiserver)', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let cs: Clientset;
  const runtime = new FakeRuntime({ podCIDR: FAKE_POD_CIDR, pullable: ['busybox:1.36'] });
  /** exec results by the command's first word: probes and hooks */
  const execs: string[] = [];
  const healthy = new Map<string, boolean>();
  runtime.execHandler = (_id, cmd) => {
    execs.push(cmd.join(' '));
    return { exitCode: healthy.get(cmd[0] ?? '') === false ? 1 : 0, stdout: '', stderr: '' };
  };
  let agent: FakeAgent | undefined;

  before(async () => {
    cluster = await startCluster();
    cs = new Clientset(cluster.client);
    await cs.services('default').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { ports: [{ port: 5432 }] } });
    agent = await startFakeAgent(cluster, { nodeName: NODE, nodeIP: '192.0.2.9', containerRuntime: runtime, clusterDNS: '10.96.0.10', resyncPeriodMs: 2000 });
  });
  after(async () => {
    await agent?.stop();
    await cluster?.close();
  });

  const get = (name: string) => cs.pods('default').get(name);
  const until = <T>(what: string, f: () => Promise<T | undefined>) => poll(what, 30_000, f, { intervalMs: 100 });
  const envOf = async (p: Pod) => {
    const [c] = (await runtime.listContainers({ podUid: p.metadata.uid ?? '' })).filter((x) => x.state === 'running');
    return Object.fromEntries((runtime.configOf(c?.id ?? '')?.env ?? []).map((e) => [e.name, e.value]));
  };

  it('env from a ConfigMap created after the pod, a Secret and the service variables', async () => {
    await cs.secrets('default').create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, data: { password: Buffer.from('pw').toString('base64') } });
    await cs.pods('default').create(
      pod('env', {
        containers: [
          {
            name: 'main',
            image: 'busybox:1.36',
            env: [
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'late', key: 'mode' } } },
              { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
            ],
          },
        ],
      }),
    );
    const w = await until('CreateContainerConfigError', async () => (await get('env')).status?.containerStatuses?.[0]?.state?.waiting);
    assert.deepEqual(w, { reason: 'CreateContainerConfigError', message: 'configmap "late" not found' });
    await cs.configMaps('default').create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' }, data: { mode: 'slow' } });
    const p = await until('running', async () => ((await get('env')).status?.containerStatuses?.[0]?.state?.running ? get('env') : undefined)).catch(async (e: unknown) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify((await get('env')).status?.containerStatuses)}`);
    });
    const env = await envOf(p);
    assert.equal(env.MODE, 'slow');
    assert.equal(env.PW, 'pw');
    const db = await cs.services('default').get('db');
    assert.equal(env.DB_SERVICE_HOST, db.spec?.clusterIP);
    assert.equal(env.DB_SERVICE_PORT, '5432');
    const [sandbox] = await runtime.listPodSandboxes({ podUid: p.metadata.uid ?? '' });
    assert.deepEqual(runtime.sandboxConfigOf(sandbox?.id ?? '')?.dns?.servers, ['10.96.0.10']);
  });

  it('readiness drives Ready; a failing liveness probe restarts the container', async () => {
    await cs.pods('default').create(
      pod('probed', {
        containers: [{ name: 'main', image: 'busybox:1.36', readinessProbe: { exec: { command: ['ready'] }, periodSeconds: 1, failureThreshold: 1 }, livenessProbe: { exec: { command: ['alive'] }, periodSeconds: 1, failureThreshold: 2 } }],
      }),
    );
    const ready = async () => (await get('probed')).status?.conditions?.find((c) => c.type === 'Ready')?.status;
    await until('Ready', async () => ((await ready()) === 'True' ? true : undefined));
    healthy.set('ready', false);
    await until('not Ready', async () => ((await ready()) === 'False' ? true : undefined));
    healthy.set('ready', true);
    healthy.set('alive', false);
    const s = await until('a restart', async () => {
      const c = (await get('probed')).status?.containerStatuses?.[0];
      return c && c.restartCount >= 1 ? c : undefined;
    });
    healthy.set('alive', true);
    assert.ok(s.lastState?.terminated);
    const evs = (await cs.events('default').list()).items as Event[];
    assert.ok(evs.some((e) => e.involvedObject?.name === 'probed' && e.reason === 'Unhealthy' && /^Liveness probe failed/.test(e.message ?? '')));
    assert.ok(evs.some((e) => e.involvedObject?.name === 'probed' && e.reason === 'Killing' && e.message === 'Container main failed liveness probe, will be restarted'));
  });

  it('a startup probe holds the liveness and readiness probes until it succeeds', async () => {
    healthy.set('startup-check', false);
    const exec = (command: string) => ({ exec: { command: [command] }, periodSeconds: 1 });
    await cs.pods('default').create(
      pod('slow-start', { containers: [{ name: 'main', image: 'busybox:1.36', startupProbe: { ...exec('startup-check'), failureThreshold: 60 }, livenessProbe: exec('live-check'), readinessProbe: exec('ready-check') }] }),
    );
    await until('the startup probe failing', async () => (execs.filter((e) => e === 'startup-check').length >= 2 ? true : undefined));
    const waiting = (await get('slow-start')).status?.containerStatuses?.[0];
    assert.deepEqual([waiting?.started, waiting?.ready, Boolean(waiting?.state?.running)], [false, false, true]);
    assert.ok(!execs.includes('live-check') && !execs.includes('ready-check'), 'no liveness or readiness probe before the start');
    healthy.set('startup-check', true);
    const c = await until('started and Ready', async () => {
      const x = (await get('slow-start')).status?.containerStatuses?.[0];
      return x?.started && x.ready ? x : undefined;
    });
    assert.equal(c.restartCount, 0);
    assert.ok(execs.includes('live-check') && execs.includes('ready-check'));
  });

  it('a failing postStart hook: FailedPostStartHook, the container is killed and started again', async () => {
    healthy.set('poststart-check', false);
    await cs.pods('default').create(pod('hook-fails', { containers: [{ name: 'main', image: 'busybox:1.36', lifecycle: { postStart: { exec: { command: ['poststart-check'] } } } }] }));
    const c = await until('a restart', async () => {
      const x = (await get('hook-fails')).status?.containerStatuses?.[0];
      return x && x.restartCount >= 1 ? x : undefined;
    });
    healthy.set('poststart-check', true);
    assert.ok(c.lastState?.terminated, 'the killed instance is the last state');
    const evs = ((await cs.events('default').list()).items as Event[]).filter((e) => e.involvedObject?.name === 'hook-fails');
    assert.ok(evs.some((e) => e.type === 'Warning' && e.reason === 'FailedPostStartHook'), evs.map((e) => e.reason).join(','));
    await until('running after the hook succeeds', async () => ((await get('hook-fails')).status?.containerStatuses?.[0]?.state?.running ? true : undefined));
  });

  it('an OOM-killed container: lastState OOMKilled with exit code 137, restarted', async () => {
    await cs.pods('default').create(pod('hungry'));
    await until('running', async () => ((await get('hungry')).status?.containerStatuses?.[0]?.state?.running ? true : undefined));
    const [ctr] = (await runtime.listContainers({ podUid: (await get('hungry')).metadata.uid ?? '' })).filter((x) => x.state === 'running');
    assert.ok(ctr);
    runtime.exitContainer(ctr.id, 137, { oomKilled: true });
    const c = await until('restarted after the OOM kill', async () => {
      const x = (await get('hungry')).status?.containerStatuses?.[0];
      return x && x.restartCount === 1 && x.lastState?.terminated ? x : undefined;
    });
    assert.deepEqual([c.lastState?.terminated?.reason, c.lastState?.terminated?.exitCode], ['OOMKilled', 137]);
  });

  it('deletion runs the preStop hook, then the object is gone', async () => {
    await cs.pods('default').create(pod('hooked', { containers: [{ name: 'main', image: 'busybox:1.36', lifecycle: { preStop: { exec: { command: ['drain', 'now'] } } } }] }));
    await until('running', async () => ((await get('hooked')).status?.containerStatuses?.[0]?.state?.running ? true : undefined));
    await cs.pods('default').delete('hooked');
    await until('gone', async () => get('hooked').then(() => undefined, (e: unknown) => (isApiError(e) && e.code === 'NOT_FOUND' ? true : undefined)));
    assert.ok(execs.includes('drain now'));
  });

  it('activeDeadlineSeconds fails the pod with DeadlineExceeded', async () => {
    await cs.pods('default').create(pod('deadline', { activeDeadlineSeconds: 2 }));
    const st = await until('Failed', async () => ((await get('deadline')).status?.phase === 'Failed' ? (await get('deadline')).status : undefined));
    assert.equal(st.reason, 'DeadlineExceeded');
    assert.ok(st.containerStatuses?.[0]?.state?.terminated, 'its container was stopped');
  });
});
