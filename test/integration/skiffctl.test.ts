// skiffctl acceptance tests, "as a new user would": the CLI runs in-process (runCli) against a real
// apiserver over a private etcd, with manifests written to a temp dir and a temp home directory (so
// the real ~/.skiff/config is never read).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KObject } from '@skiff/api';
import { runCli, StringOutput } from '@skiff/skiffctl';
import { startCluster, type TestCluster } from '../harness/index.js';

// The seed's manifests, as written (the Deployments say `apiVersion: v1`).
const NODE_DEPLOYMENT = `apiVersion: v1
kind: Deployment
metadata:
  name: my-app
spec:
  replicas: 3
  selector:
    matchLabels:
      app: my-app
  template:
    metadata:
      labels:
        app: my-app
    spec:
      containers:
      - name: my-app
        image: my-app
        ports:
        - containerPort: 3000
`;
const NODE_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: my-app
spec:
  selector:
    app: my-app
  ports:
  - protocol: TCP
    port: 80
    targetPort: 3000
`;
const FLASK_DEPLOYMENT = `apiVersion: v1
kind: Deployment
metadata:
  name: my-flask
spec:
  replicas: 3
  selector:
    matchLabels:
      app: my-flask
  template:
    metadata:
      labels:
        app: my-flask
    spec:
      containers:
      - name: my-flask
        image: my-flask
        ports:
        - containerPort: 5000
`;
const FLASK_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: my-flask
spec:
  selector:
    app: my-flask
  ports:
  - protocol: TCP
    port: 80
    targetPort: 5000
`;

/** A Deployment manifest named `name` with `containerExtra` lines (6-space indented) in its container. */
function deployment(name: string, opts: { replicas?: number; labels?: Record<string, string>; containerExtra?: string } = {}): string {
  const labels = opts.labels ? `  labels:\n${Object.entries(opts.labels).map(([k, v]) => `    ${k}: ${v}\n`).join('')}` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${labels}spec:
${opts.replicas !== undefined ? `  replicas: ${opts.replicas}\n` : ''}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: app
        image: nginx
${opts.containerExtra ?? ''}`;
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** 10.96.0.0/12 */
const inServiceRange = (ip: string): boolean => /^10\.(9[6-9]|10\d|11[01])\.\d{1,3}\.\d{1,3}$/.test(ip);

describe('skiffctl against a real apiserver', () => {
  let c: TestCluster;
  let dir: string;
  let home: string;

  const cli = async (...argv: string[]): Promise<CliResult> => {
    const stdout = new StringOutput();
    const stderr = new StringOutput();
    const stdin = (async function* () {})();
    const code = await runCli(['--server', c.server.address, ...argv], { stdout, stderr, stdin }, { home, env: {} });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  let fileNo = 0;
  const file = (content: string, name = `m${++fileNo}.yaml`): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  /** Every deployment and service name in the cluster (to check that nothing was written). */
  const snapshot = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const r of ['deployments', 'services']) {
      for (const o of (await c.client.list(r)).items) out.push(`${r}/${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`);
    }
    return out.sort();
  };
  const yamlDocs = (text: string): KObject[] => {
    const docs = parseAllDocuments(text).map((d) => d.toJS() as KObject | { kind: string; items: KObject[] });
    return docs.flatMap((d) => ('items' in d && Array.isArray(d.items) ? d.items : [d as KObject]));
  };

  before(async () => {
    c = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'skiffctl-it-'));
    home = mkdtempSync(join(tmpdir(), 'skiffctl-home-'));
  });
  after(async () => {
    await c?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (home) rmSync(home, { recursive: true, force: true });
  });

  describe('the seed manifests', () => {
    let uids: Record<string, string>;
    let clusterIP: string;

    it('apply as written, with a warning about apps/v1', async () => {
      for (const [app, dep, svc] of [
        ['my-app', NODE_DEPLOYMENT, NODE_SERVICE],
        ['my-flask', FLASK_DEPLOYMENT, FLASK_SERVICE],
      ] as const) {
        const d = await cli('apply', '-f', file(dep, `${app}-deployment.yaml`));
        assert.equal(d.code, 0, d.stderr);
        assert.equal(d.stdout, `deployment.apps/${app} created\n`);
        assert.match(d.stderr, /^Warning: .*apps\/v1/m);
        const s = await cli('apply', '-f', file(svc, `${app}-service.yaml`));
        assert.equal(s.code, 0, s.stderr);
        assert.equal(s.stdout, `service/${app} created\n`);
      }
    });

    it('get -o yaml shows uid, resourceVersion, creationTimestamp and a clusterIP', async () => {
      const r = await cli('get', 'deployments,services', '-o', 'yaml');
      assert.equal(r.code, 0, r.stderr);
      const objs = yamlDocs(r.stdout);
      uids = {};
      for (const want of ['Deployment/my-app', 'Deployment/my-flask', 'Service/my-app', 'Service/my-flask']) {
        const o = objs.find((x) => `${x.kind}/${x.metadata.name}` === want);
        assert.ok(o, `${want} in ${r.stdout}`);
        assert.match(String(o.metadata.uid), /^[0-9a-f-]{36}$/);
        assert.match(String(o.metadata.resourceVersion), /^\d+$/);
        assert.match(String(o.metadata.creationTimestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        uids[want] = o.metadata.uid!;
        if (o.kind === 'Service') {
          const ip = String((o.spec as { clusterIP?: string }).clusterIP);
          assert.ok(inServiceRange(ip), `clusterIP ${ip}`);
          if (want === 'Service/my-app') clusterIP = ip;
        } else {
          assert.equal(o.apiVersion, 'apps/v1');
        }
      }
    });

    it('re-applying an edited file updates in place', async () => {
      const d = await cli('apply', '-f', file(NODE_DEPLOYMENT.replace('replicas: 3', 'replicas: 5')));
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.stdout, 'deployment.apps/my-app configured\n');
      assert.doesNotMatch(d.stderr, /error/i);
      const live = await c.client.get('deployments', 'default', 'my-app');
      assert.equal(live.metadata.uid, uids['Deployment/my-app']);
      assert.equal((live.spec as { replicas: number }).replicas, 5);

      const s = await cli('apply', '-f', file(NODE_SERVICE.replace('port: 80', 'port: 8080')));
      assert.equal(s.code, 0, s.stderr);
      assert.equal(s.stdout, 'service/my-app configured\n');
      const svc = await c.client.get('services', 'default', 'my-app');
      assert.equal(svc.metadata.uid, uids['Service/my-app']);
      assert.equal((svc.spec as { clusterIP: string }).clusterIP, clusterIP);
      assert.equal((svc.spec as { ports: { port: number }[] }).ports[0]!.port, 8080);
    });

    it('the client\'s patchWithWarnings returns the patched object and the warnings', async () => {
      const r = await c.client.patchWithWarnings('deployments', 'default', 'my-app', { metadata: { annotations: { note: 'x' } } });
      assert.equal(r.object.metadata.annotations?.note, 'x');
      assert.equal(r.object.metadata.uid, uids['Deployment/my-app']);
      assert.ok(Array.isArray(r.warnings));
    });

    it('re-applying an unchanged file says unchanged', async () => {
      const before = await snapshot();
      const r = await cli('apply', '-f', file(FLASK_SERVICE));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'service/my-flask unchanged\n');
      const d = await cli('apply', '-f', file(FLASK_DEPLOYMENT));
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.stdout, 'deployment.apps/my-flask unchanged\n');
      assert.deepEqual(await snapshot(), before);
    });

    it('keeps a field another writer set that the manifest does not', async () => {
      const r1 = await cli('apply', '-f', file(deployment('scaled')));
      assert.equal(r1.code, 0, r1.stderr);
      assert.equal(r1.stdout, 'deployment.apps/scaled created\n');
      await c.client.patch('deployments', 'default', 'scaled', { spec: { replicas: 7 } });
      const r2 = await cli('apply', '-f', file(deployment('scaled', { labels: { tier: 'web' } })));
      assert.equal(r2.code, 0, r2.stderr);
      assert.equal(r2.stdout, 'deployment.apps/scaled configured\n');
      const live = await c.client.get('deployments', 'default', 'scaled');
      assert.equal((live.spec as { replicas: number }).replicas, 7);
      assert.equal(live.metadata.labels?.tier, 'web');
    });
  });

  describe('bad input writes nothing', () => {
    const rejects = async (content: string, ...patterns: RegExp[]): Promise<CliResult> => {
      const before = await snapshot();
      const r = await cli('apply', '-f', file(content));
      assert.equal(r.code, 1, `exit code; stdout: ${r.stdout}; stderr: ${r.stderr}`);
      for (const p of patterns) assert.match(r.stderr, p);
      assert.deepEqual(await snapshot(), before, 'nothing written');
      return r;
    };

    it('an unknown field (typo) names its path', async () => {
      await rejects(deployment('typo').replace('image: nginx', 'imagee: nginx'), /spec\.template\.spec\.containers\[0\]\.imagee: unknown field "imagee"/);
    });

    it('an invalid name names metadata.name', async () => {
      await rejects(deployment('My_App'), /metadata\.name: Invalid value: "My_App"/);
    });

    it('a bad quantity names its path', async () => {
      await rejects(
        deployment('bad-quantity', { containerExtra: '        resources:\n          limits:\n            memory: "12XX"\n' }),
        /spec\.template\.spec\.containers\[0\]\.resources\.limits\[memory\]: Invalid value/,
        /12XX/,
      );
    });

    it('invalid YAML names the file and line', async () => {
      const content = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: broken\n spec: [\n';
      const r = await rejects(content);
      const f = `m${fileNo}.yaml`;
      // error: <dir>/mN.yaml:5: <parser message>
      assert.ok(r.stderr.includes(`${f}:5:`), r.stderr);
    });

    it('a multi-document file with an invalid second document writes nothing', async () => {
      const first = deployment('multi-ok');
      const second = deployment('multi-bad').replace('image: nginx', 'imagee: nginx');
      await rejects(`${first}---\n${second}`, /spec\.template\.spec\.containers\[0\]\.imagee/);
      await assert.rejects(c.client.get('deployments', 'default', 'multi-ok'), /NOT_FOUND|not found/i);
    });
  });

  describe('reading and deleting', () => {
    it('get deployments has the kubectl columns', async () => {
      const r = await cli('get', 'deployments');
      assert.equal(r.code, 0, r.stderr);
      const [header, ...rows] = r.stdout.trimEnd().split('\n');
      assert.deepEqual(header!.split(/\s{2,}/), ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE']);
      const row = rows.find((l) => l.startsWith('my-app '));
      assert.ok(row, r.stdout);
      assert.match(row, /^my-app\s+0\/5\s+0\s+0\s+\S+$/);
    });

    it('get services has the kubectl columns', async () => {
      const r = await cli('get', 'services');
      assert.equal(r.code, 0, r.stderr);
      const [header, ...rows] = r.stdout.trimEnd().split('\n');
      assert.deepEqual(header!.split(/\s{2,}/), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
      const row = rows.find((l) => l.startsWith('my-flask '));
      assert.ok(row, r.stdout);
      assert.match(row, /^my-flask\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+$/);
    });

    it('get -o name', async () => {
      const r = await cli('get', 'deployments', '-o', 'name');
      assert.equal(r.code, 0, r.stderr);
      const names = r.stdout.trimEnd().split('\n');
      assert.ok(names.includes('deployment.apps/my-app'), r.stdout);
      assert.ok(names.includes('deployment.apps/my-flask'), r.stdout);
      const s = await cli('get', 'service', 'my-app', '-o', 'name');
      assert.equal(s.code, 0, s.stderr);
      assert.equal(s.stdout, 'service/my-app\n');
    });

    it('describe deployment shows the name and an Events section', async () => {
      const r = await cli('describe', 'deployment', 'my-app');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Name:\s+my-app$/m);
      assert.match(r.stdout, /^Namespace:\s+default$/m);
      assert.match(r.stdout, /^Events:/m);
    });

    it('api-resources lists pods and deployments', async () => {
      const r = await cli('api-resources');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND/m);
      assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
      assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    });

    it('version prints the server version', async () => {
      const r = await cli('version');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Client Version: \S+$/m);
      assert.match(r.stdout, /^Server Version: \S+$/m);
    });

    it('delete -f removes what the file names', async () => {
      const p = file(FLASK_DEPLOYMENT + '---\n' + FLASK_SERVICE);
      const r = await cli('delete', '-f', p);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^deployment\.apps "my-flask" deleted$/m);
      assert.match(r.stdout, /^service "my-flask" deleted$/m);
      await assert.rejects(c.client.get('services', 'default', 'my-flask'), /not found/i);
      // A Deployment may linger with a deletionTimestamp while its dependents go.
      const d = await c.client.get('deployments', 'default', 'my-flask').catch((e: Error) => e);
      assert.ok(d instanceof Error ? /not found/i.test(d.message) : !!d.metadata.deletionTimestamp, String(d));
    });

    it('delete -l deletes the selected objects with one DeleteCollection', async () => {
      const labelled = (name: string, app: string): KObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { app } }, data: {} });
      for (const o of [labelled('dc-a', 'dc'), labelled('dc-b', 'dc'), labelled('dc-keep', 'other')]) await c.client.create(o);
      try {
        const dry = await cli('delete', 'configmaps', '-l', 'app=dc', '--dry-run=server');
        assert.equal(dry.code, 0, dry.stderr);
        assert.equal(dry.stdout, 'configmap "dc-a" deleted (server dry run)\nconfigmap "dc-b" deleted (server dry run)\n');
        assert.ok(await c.client.get('configmaps', 'default', 'dc-a'));
        const r = await cli('delete', 'configmaps', '-l', 'app=dc');
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'configmap "dc-a" deleted\nconfigmap "dc-b" deleted\n');
        const left = (await c.client.list('configmaps', { namespace: 'default', labelSelector: 'app in (dc, other)' })).items.map((o) => o.metadata.name);
        assert.deepEqual(left, ['dc-keep']);
        const none = await cli('delete', 'configmaps', '-l', 'app=dc');
        assert.equal(none.code, 0, none.stderr);
        assert.match(none.stderr, /^No resources found$/m);
      } finally {
        await c.client.deleteCollection('configmaps', { namespace: 'default', labelSelector: 'app in (dc, other)' });
      }
    });

    it('delete of a missing name fails with NotFound', async () => {
      const r = await cli('delete', 'deployment', 'no-such-app');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /NotFound/);
      assert.match(r.stderr, /no-such-app/);
    });
  });
});
