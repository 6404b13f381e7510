import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, Event, ReplicaSet } from '@skiff/api';
import type { FakeClient } from '@skiff/machinery/testing';
import { ns, startFakeKubelet, until, withControllers } from '../test-env.js';
import { replicaSetController } from '../replicaset/index.js';
import { deploymentController } from './index.js';
import { computeHash } from './hash.js';

const deploy = (name: string, replicas: number, strategy: NonNullable<Deployment['spec']>['strategy'] = {}): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns, uid: `uid-${name}`, generation: 1 },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    strategy,
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
  },
});

const rss = (client: FakeClient): ReplicaSet[] => client.objects<ReplicaSet>('replicasets');
const get = (client: FakeClient, name: string): Deployment => client.find<Deployment>('deployments', ns, name)!;
const complete = (client: FakeClient, name: string, replicas: number) => (): boolean => {
  const d = get(client, name);
  const s = d.status ?? {};
  return s.observedGeneration === d.metadata.generation && s.updatedReplicas === replicas && s.availableReplicas === replicas && s.replicas === replicas &&
    !!s.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable');
};

async function setImage(client: FakeClient, name: string, image: string): Promise<void> {
  const d = get(client, name);
  d.spec!.template.spec!.containers[0].image = image;
  await client.update(d);
}

describe('deployment controller', () => {
  it('creates <name>-<hash> with revision 1, rolls to a new template and back (rollback bumps the revision)', async () => {
    const d = deploy('web', 4);
    await withControllers([replicaSetController, deploymentController], [d], async ({ client, signal }) => {
      startFakeKubelet(client, signal);
      await until(complete(client, 'web', 4), () => `first rollout: ${JSON.stringify(get(client, 'web').status)}`);
      const first = rss(client);
      assert.equal(first.length, 1);
      const hash = computeHash(get(client, 'web').spec!.template, undefined); // as stored: defaulted
      assert.equal(first[0].metadata.name, `web-${hash}`);
      assert.equal(first[0].spec!.template!.metadata!.labels!['pod-template-hash'], hash);
      assert.equal(first[0].metadata.annotations!['deployment.kubernetes.io/revision'], '1');
      assert.equal(first[0].metadata.annotations!['deployment.kubernetes.io/desired-replicas'], '4');
      assert.equal(first[0].metadata.annotations!['deployment.kubernetes.io/max-replicas'], '5');
      assert.ok(get(client, 'web').status!.conditions!.some((c) => c.type === 'Available' && c.status === 'True'));

      await setImage(client, 'web', 'nginx:2');
      await until(() => rss(client).length === 2 && complete(client, 'web', 4)(), 'second rollout');
      const old = client.find<ReplicaSet>('replicasets', ns, `web-${hash}`)!;
      assert.equal(old.spec!.replicas, 0);
      const second = rss(client).find((r) => r.metadata.name !== old.metadata.name)!;
      assert.equal(second.spec!.replicas, 4);
      assert.equal(second.metadata.annotations!['deployment.kubernetes.io/revision'], '2');
      assert.equal(get(client, 'web').metadata.annotations!['deployment.kubernetes.io/revision'], '2');

      await setImage(client, 'web', 'nginx:1');
      await until(() => client.find<ReplicaSet>('replicasets', ns, `web-${hash}`)?.spec?.replicas === 4 && complete(client, 'web', 4)(), 'rollback');
      const back = client.find<ReplicaSet>('replicasets', ns, `web-${hash}`)!;
      assert.equal(back.metadata.annotations!['deployment.kubernetes.io/revision'], '3');
      assert.equal(back.metadata.annotations!['deployment.kubernetes.io/revision-history'], '1');
      assert.equal(rss(client).length, 2, 'no third ReplicaSet');
      await until(() => client.objects<Event>('events').some((e) => e.reason === 'ScalingReplicaSet'), 'ScalingReplicaSet events');
    });
  });

  it('Recreate scales the old ReplicaSet to zero before the new one comes up', async () => {
    await withControllers([replicaSetController, deploymentController], [deploy('db', 2, { type: 'Recreate' })], async ({ client, signal }) => {
      startFakeKubelet(client, signal);
      await until(complete(client, 'db', 2), 'first rollout');
      let overlap = false;
      const watch = setInterval(() => {
        const active = rss(client).filter((r) => (r.spec?.replicas ?? 0) > 0);
        if (active.length > 1) overlap = true;
      }, 5);
      try {
        await setImage(client, 'db', 'nginx:2');
        await until(() => rss(client).length === 2 && complete(client, 'db', 2)(), 'recreate rollout');
      } finally {
        clearInterval(watch);
      }
      assert.equal(overlap, false, 'old and new ReplicaSets were never both scaled up');
    });
  });

  it('keeps revisionHistoryLimit old ReplicaSets', async () => {
    const d = deploy('h', 1);
    d.spec!.revisionHistoryLimit = 1;
    await withControllers([replicaSetController, deploymentController], [d], async ({ client, signal }) => {
      startFakeKubelet(client, signal);
      for (const image of ['nginx:2', 'nginx:3', 'nginx:4']) {
        await until(complete(client, 'h', 1), `rollout before ${image}`);
        await setImage(client, 'h', image);
      }
      await until(() => complete(client, 'h', 1)() && rss(client).length === 2, () => `two ReplicaSets left, have ${rss(client).length}`);
    });
  });

  it('never scales an old ReplicaSet back up while its status still counts the pods it is deleting', async () => {
    // Only the Deployment controller runs; the ReplicaSets' statuses are written here, so the old
    // one can be held at the stale state its controller leaves between deleting pods and observing
    // it: spec 3, status still 4 available.
    await withControllers([deploymentController], [deploy('stale', 4)], async ({ client }) => {
      const setStatus = async (name: string, n: number): Promise<void> => {
        const rs = client.find<ReplicaSet>('replicasets', ns, name)!;
        rs.status = { replicas: n, readyReplicas: n, availableReplicas: n, fullyLabeledReplicas: n, observedGeneration: rs.metadata.generation };
        await client.updateStatus(rs);
      };
      await until(() => rss(client)[0]?.spec?.replicas === 4, 'the first ReplicaSet');
      const old = rss(client)[0]!.metadata.name!;
      await setStatus(old, 4);
      await until(() => get(client, 'stale').status?.availableReplicas === 4, 'the Deployment available');
      await setImage(client, 'stale', 'nginx:2');
      const fresh = (): ReplicaSet | undefined => rss(client).find((r) => r.metadata.name !== old);
      // No new pod available yet: the rollout stops at new 2, old 3 (replicas + maxSurge).
      await until(() => fresh()?.spec?.replicas === 2 && client.find<ReplicaSet>('replicasets', ns, old)?.spec?.replicas === 3, () => `new 2, old 3: ${JSON.stringify(rss(client).map((r) => [r.metadata.name, r.spec?.replicas, r.status]))}`);
      const from = client.writes().length;
      // One new pod available: there is room to take one more old pod down.
      await setStatus(fresh()!.metadata.name!, 1);
      // The sync fails (and retries) without writing anything: give it time to act if it would.
      await new Promise((r) => setTimeout(r, 500));
      const oldSizes = client
        .writes()
        .slice(from)
        .filter((c) => c.verb === 'update' && c.name === old)
        .map((c) => (c.body as ReplicaSet).spec?.replicas ?? 0);
      assert.deepEqual(oldSizes, [], 'the old ReplicaSet is left alone until its status is current');
      // Once its controller has caught up, the rollout goes on.
      await setStatus(old, 3);
      await until(() => client.find<ReplicaSet>('replicasets', ns, old)?.spec?.replicas === 2, 'old scaled down to 2 once its status is current');
    });
  });

  it('paused: scaling only, no rollout; Progressing says DeploymentPaused', async () => {
    await withControllers([replicaSetController, deploymentController], [deploy('p', 2)], async ({ client, signal }) => {
      startFakeKubelet(client, signal);
      await until(complete(client, 'p', 2), 'first rollout');
      const d = get(client, 'p');
      d.spec!.paused = true;
      d.spec!.replicas = 3;
      d.spec!.template.spec!.containers[0].image = 'nginx:9';
      await client.update(d);
      await until(() => rss(client)[0]?.spec?.replicas === 3, 'scaled while paused');
      await until(() => !!get(client, 'p').status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'DeploymentPaused'), 'DeploymentPaused');
      assert.equal(rss(client).length, 1, 'no new ReplicaSet while paused');
    });
  });
});
