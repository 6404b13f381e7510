// skiffctl's verbs against a real apiserver and etcd, with the controller-manager running in-process
// and a fake "kubelet" in the test that reports pods of the default namespace Running and Ready and
// completes graceful deletions: create deployment, rollout status/history/undo/restart/pause/resume,
// scale, set image, label, annotate, create configmap/secret, expose, cordon, uncordon and drain.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap, Deployment, KObject, Pod, ReplicaSet, Secret, Service } from '@skiff/api';
import { type Client, discardLogger } from '@skiff/machinery';
import { run, type RunningControllerManager } from '@skiff/controller-manager';
import { runCli, StringOutput } from '@skiff/skiffctl';
import { startCluster, type TestCluster } from '../harness/index.js';
import { waitUntil } from '../harness/eventually.js';

const NS = 'default';

const until = (cond: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> => waitUntil(cond, what, timeoutMs);

const isReady = (p: Pod): boolean => !!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** The fake kubelet: pods of `default` become Running and Ready; terminating pods are removed. */
function startKubelet(client: Client, signal: AbortSignal): Promise<void> {
  return (async () => {
    while (!signal.aborted) {
      try {
        for (const p of (await client.list<Pod>('pods', { namespace: NS })).items) {
          if (p.metadata.deletionTimestamp) {
            await client.delete('pods', NS, p.metadata.name!, { gracePeriodSeconds: 0 }).catch(() => undefined);
            continue;
          }
          if (isReady(p)) continue;
          const now = new Date().toISOString();
          p.status = { ...(p.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] };
          await client.updateStatus(p).catch(() => undefined);
        }
      } catch {
        // the server is going away at the end of the test
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe('skiffctl verbs against a real apiserver and controller-manager', () => {
  let cluster: TestCluster;
  let cm: RunningControllerManager;
  let home: string;
  let dir: string;
  const stop = new AbortController();
  let kubelet: Promise<void>;

  const cli = async (...argv: string[]): Promise<CliResult> => {
    const stdout = new StringOutput();
    const stderr = new StringOutput();
    const stdin = (async function* () {})();
    const code = await runCli(['--server', cluster.server.address, ...argv], { stdout, stderr, stdin }, { home, env: {}, pollMs: 50 });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  const ok = async (...argv: string[]): Promise<string> => {
    const r = await cli(...argv);
    assert.equal(r.code, 0, `${argv.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const image = async (name: string): Promise<string> => (await cluster.client.get<Deployment>('deployments', NS, name)).spec!.template.spec!.containers[0]!.image!;

  before(async () => {
    cluster = await startCluster();
    cm = await run({ server: cluster.server.address, httpListen: '127.0.0.1:0', identity: 'cm-skiffctl' }, stop.signal, discardLogger());
    kubelet = startKubelet(cluster.client, stop.signal);
    home = mkdtempSync(join(tmpdir(), 'skiffctl-verbs-home-'));
    dir = mkdtempSync(join(tmpdir(), 'skiffctl-verbs-'));
  });

  after(async () => {
    stop.abort();
    await cm?.stopped;
    await kubelet;
    await cluster?.close();
    if (home) rmSync(home, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('create deployment, then rollout status follows it to the end', async () => {
    assert.equal(await ok('create', 'deployment', 'web', '--image=nginx:1', '--replicas=2', '--port=80'), 'deployment.apps/web created\n');
    const status = await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
    assert.match(status, /deployment "web" successfully rolled out\n$/);
    const d = await cluster.client.get<Deployment>('deployments', NS, 'web');
    assert.deepEqual(d.spec!.selector.matchLabels, { app: 'web' });
    assert.equal(d.spec!.template.spec!.containers[0]!.name, 'nginx');
    // The pods as get and describe show them (the fake kubelet reports Running and Ready, without container statuses).
    const table = await ok('get', 'pods', '-l', 'app=web', '-o', 'wide');
    assert.match(table, /^NAME +READY +STATUS +RESTARTS +AGE +IP +NODE +NOMINATED NODE +READINESS GATES\n/);
    assert.equal(table.match(/ 0\/1 +Running +0 +\S+ +<none> +<none> +<none> +<none>\n/g)?.length, 2, table);
    const name = /^(web-\S+)/m.exec(table.split('\n')[1]!)![1]!;
    const described = await ok('describe', 'pod', name);
    assert.match(described, /^Controlled By: +ReplicaSet\/web-/m);
    assert.match(described, /^Status: +Running$/m);
    assert.match(described, /^ {4}Port: +80\/TCP$/m);
    assert.match(described, /^Conditions:\n {2}Type +Status\n {2}Ready +True$/m);
  });

  it('scale, with and without --current-replicas', async () => {
    assert.equal(await ok('scale', 'deploy/web', '--replicas=3'), 'deployment.apps/web scaled\n');
    const wrong = await cli('scale', 'deploy/web', '--current-replicas=2', '--replicas=1');
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, 'error: Expected replicas to be 2, was 3\n');
    await ok('scale', 'deploy/web', '--current-replicas=3', '--replicas=2');
    assert.equal((await cluster.client.get<Deployment>('deployments', NS, 'web')).spec!.replicas, 2);
    await ok('rollout', 'status', 'deploy/web', '--timeout=60s');
  });

  it('set image rolls out revision 2; undo goes back to the template of revision 1 as revision 3', async () => {
    assert.equal(await ok('set', 'image', 'deployment/web', 'nginx=nginx:2'), 'deployment.apps/web image updated\n');
    await ok('rollout', 'status', 'deploy/web', '--timeout=60s');
    assert.equal(await ok('rollout', 'history', 'deploy/web'), 'deployment.apps/web\nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    // CHANGE-CAUSE: the Deployment's annotation, copied by the controller onto its current ReplicaSet.
    await ok('annotate', 'deploy/web', 'kubernetes.io/change-cause=nginx 2');
    await until(async () => (await ok('rollout', 'history', 'deploy/web')).includes('\n2         nginx 2\n'), 'the change cause of revision 2');
    assert.match(await ok('rollout', 'history', 'deploy/web', '--revision=1'), /with revision #1\n[\s\S]*Image: +nginx:1\n/);
    assert.equal(await ok('rollout', 'undo', 'deploy/web'), 'deployment.apps/web rolled back\n');
    assert.equal(await image('web'), 'nginx:1');
    await ok('rollout', 'status', 'deploy/web', '--timeout=60s');
    // As Kubernetes: the old ReplicaSet becomes revision 3 (revision 1 is gone from the history).
    await until(async () => /\n2 {9}nginx 2\n3 {9}\S/.test(await ok('rollout', 'history', 'deploy/web')), 'revision 3');
    const history = await ok('rollout', 'history', 'deploy/web');
    assert.doesNotMatch(history, /^1 /m);
    const rss = (await cluster.client.list<ReplicaSet>('replicasets', { namespace: NS, labelSelector: 'app=web' })).items;
    const current = rss.find((r) => r.metadata.annotations?.['deployment.kubernetes.io/revision'] === '3');
    assert.equal(current?.spec?.template?.spec?.containers[0]?.image, 'nginx:1');
    assert.equal(current?.spec?.replicas, 2);
    const again = await cli('rollout', 'undo', 'deploy/web', '--to-revision=3');
    assert.equal(again.stdout, 'deployment.apps/web skipped rollback (current template already matches revision 3)\n');
  });

  it('pause, restart refused, resume, restart', async () => {
    assert.equal(await ok('rollout', 'pause', 'deploy/web'), 'deployment.apps/web paused\n');
    const twice = await cli('rollout', 'pause', 'deploy/web');
    assert.equal(twice.stderr, 'error: deployments.apps "web" is already paused\n');
    const refused = await cli('rollout', 'restart', 'deploy/web');
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr, `error: deployments.apps "web" can't restart paused deployment (run rollout resume first)\n`);
    assert.equal(await ok('rollout', 'resume', 'deploy/web'), 'deployment.apps/web resumed\n');
    assert.equal(await ok('rollout', 'restart', 'deploy/web'), 'deployment.apps/web restarted\n');
    const d = await cluster.client.get<Deployment>('deployments', NS, 'web');
    assert.match(d.spec!.template.metadata!.annotations!['kubectl.kubernetes.io/restartedAt']!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await ok('rollout', 'status', 'deploy/web', '--timeout=60s');
  });

  it('rollout status exits 1 when the progress deadline is exceeded', async () => {
    // Pods outside the default namespace never become ready here (the fake kubelet ignores them).
    await cluster.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stuck' } } as KObject);
    await ok('create', 'deployment', 'slow', '--image=nginx', '-n', 'stuck');
    await cluster.client.patch('deployments', 'stuck', 'slow', { spec: { progressDeadlineSeconds: 1 } });
    const r = await cli('rollout', 'status', 'deploy/slow', '-n', 'stuck', '--timeout=60s');
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stderr, 'error: deployment "slow" exceeded its progress deadline\n');
    assert.match(r.stdout, /Waiting for deployment "slow" rollout to finish/);
    const quick = await cli('rollout', 'status', 'deploy/slow', '-n', 'stuck', '--timeout=1s');
    assert.equal(quick.code, 1);
  });

  it('label and annotate', async () => {
    assert.equal(await ok('label', 'deployment', 'web', 'tier=frontend'), 'deployment.apps/web labeled\n');
    const refused = await cli('label', 'deploy/web', 'tier=backend');
    assert.equal(refused.stderr, "error: 'tier' already has a value (frontend), and --overwrite is false\n");
    await ok('label', 'deploy/web', 'tier=backend', '--overwrite');
    assert.equal(await ok('annotate', 'deploy/web', 'owner=team-a'), 'deployment.apps/web annotated\n');
    let d = await cluster.client.get<Deployment>('deployments', NS, 'web');
    assert.equal(d.metadata.labels?.tier, 'backend');
    assert.equal(d.metadata.annotations?.owner, 'team-a');
    assert.equal(await ok('label', 'deploy/web', 'tier-'), 'deployment.apps/web unlabeled\n');
    await ok('annotate', 'deploy/web', 'owner-');
    d = await cluster.client.get<Deployment>('deployments', NS, 'web');
    assert.equal(d.metadata.labels?.tier, undefined);
    assert.equal(d.metadata.annotations?.owner, undefined);
    const pods = await ok('label', 'pods', '-l', 'app=web', 'checked=yes');
    assert.equal(pods.trim().split('\n').length, 2, pods);
  });

  it('create configmap and secret generic from literals, files and env files', async () => {
    writeFileSync(join(dir, 'app.properties'), 'color=blue\n');
    writeFileSync(join(dir, 'app.env'), '# settings\nMODE=fast\n');
    await ok('create', 'configmap', 'settings', '--from-literal=a=1', `--from-file=${join(dir, 'app.properties')}`, `--from-env-file=${join(dir, 'app.env')}`);
    const cm = await cluster.client.get<ConfigMap>('configmaps', NS, 'settings');
    assert.deepEqual(cm.data, { a: '1', 'app.properties': 'color=blue\n', MODE: 'fast' });
    assert.equal(await ok('create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret'), 'secret/creds created\n');
    const secret = await cluster.client.get<Secret>('secrets', NS, 'creds');
    assert.equal(secret.type, 'Opaque');
    assert.equal(Buffer.from(secret.data!.password!, 'base64').toString(), 's3cret');
    const dup = await cli('create', 'configmap', 'settings', '--from-literal=a=1');
    assert.equal(dup.stderr, 'Error from server (AlreadyExists): configmaps "settings" already exists\n');
  });

  it('expose deployment', async () => {
    assert.equal(await ok('expose', 'deployment', 'web', '--port=8080', '--target-port=80', '--type=NodePort'), 'service/web exposed\n');
    const svc = await cluster.client.get<Service>('services', NS, 'web');
    assert.deepEqual(svc.spec!.selector, { app: 'web' });
    assert.equal(svc.spec!.type, 'NodePort');
    assert.equal(svc.spec!.ports![0]!.port, 8080);
    assert.equal(svc.spec!.ports![0]!.targetPort, 80);
    assert.ok(svc.spec!.ports![0]!.nodePort! >= 30000);
  });

  it('cordon, uncordon and drain', async () => {
    const { client } = cluster;
    for (const n of ['n1', 'n2']) await client.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n } } as KObject);
    assert.equal(await ok('cordon', 'n2'), 'node/n2 cordoned\n');
    assert.equal(await ok('cordon', 'n2'), 'node/n2 already cordoned\n');
    assert.equal(await ok('uncordon', 'n2'), 'node/n2 uncordoned\n');
    assert.ok(!(await client.get<KObject & { spec?: { unschedulable?: boolean } }>('nodes', '', 'n2')).spec?.unschedulable);

    // Nothing schedules here: bind the Deployment's pods and a bare pod to n1 by hand.
    const webPods = (await client.list<Pod>('pods', { namespace: NS, labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp);
    for (const p of webPods) await client.bind(NS, p.metadata.name!, 'n1');
    await client.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bare', namespace: NS }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] } } as Pod);

    const refused = await cli('drain', 'n1');
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, 'node/n1 cordoned\n');
    assert.match(refused.stderr, /^error: unable to drain node "n1" due to error: cannot delete Pods declare no controller \(use --force to override\): default\/bare, continuing command...\n/);
    assert.equal((await client.list('pods', { namespace: NS, fieldSelector: 'spec.nodeName=n1' })).items.length, webPods.length + 1, 'nothing was deleted');

    const r = await cli('drain', 'n1', '--force', '--timeout=60s');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'Warning: deleting Pods that declare no controller: default/bare\n');
    assert.match(r.stdout, /^node\/n1 already cordoned\n/);
    assert.match(r.stdout, /pod\/bare deleted\n/);
    assert.match(r.stdout, /node\/n1 drained\n$/);
    assert.deepEqual((await client.list('pods', { namespace: NS, fieldSelector: 'spec.nodeName=n1' })).items, []);
    // The ReplicaSet replaces the drained pods (unbound: no scheduler runs here).
    await until(async () => (await client.list<Pod>('pods', { namespace: NS, labelSelector: 'app=web' })).items.filter((p) => !p.metadata.deletionTimestamp).length === webPods.length, 'replacements');
    await ok('uncordon', 'n1');
  });
});
