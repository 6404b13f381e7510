// Parts (b) and (c) of `npm run bench -- cluster` (issue 14), on a running 3-node cluster:
// (b) a Deployment of 100 replicas of a small web server (the lab's testbox image: busybox httpd)
// from its create to all 100 pods Ready, against the same containers (a pause sandbox on the pod
// network plus the app joining its network and IPC namespaces, per pod) started with plain
// `docker run -d` spread round-robin over the same 3 dockerds, measured in the same run;
// (c) the resident memory of every Skiff process while those 100 pods run.
// The Deployment's milestones (all pods created, all bound, all Running, all Ready) show where the
// time goes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Clientset, createClient } from '@skiff/machinery';

const exec = promisify(execFile);

export interface BenchNode {
  name: string;
  dockerHost: string;
}

export interface Deploy100Options {
  server: string;
  token: string;
  nodes: BenchNode[];
  replicas: number;
  /** the app image and the sandbox image (what the agents run) */
  image: string;
  pauseImage: string;
  /** the agents' Docker network for pods */
  podNetwork: string;
  /** docker runs in flight per node for the baseline */
  dockerParallel: number;
  /** the RSS in MB of every Skiff process, by name, read while the pods run */
  rss: () => Promise<Record<string, number>>;
  log: (line: string) => void;
}

export interface Deploy100Result {
  deploy_s: number;
  /** seconds from the create to the moment all replicas were created / bound / Running / Ready */
  milestones: Record<'created' | 'bound' | 'running' | 'ready', number>;
  perNode: Record<string, number>;
  docker_s: number;
  rss: Record<string, number>;
}

const NAME = 'bench-web';
const NS = 'default';

async function containerCount(host: string): Promise<number> {
  const { stdout } = await exec('docker', ['-H', host, 'ps', '-aq']);
  return stdout.split('\n').filter(Boolean).length;
}

async function until(what: string, timeoutMs: number, f: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Runs `jobs` with at most `parallel` in flight. */
async function pool<T>(jobs: (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

async function skiffDeploy(o: Deploy100Options, cs: Clientset): Promise<Pick<Deploy100Result, 'deploy_s' | 'milestones' | 'perNode' | 'rss'>> {
  const t0 = performance.now();
  const wall0 = Date.now();
  await cs.deployments(NS).create({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: NAME, namespace: NS },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: NAME } },
      template: {
        metadata: { labels: { app: NAME } },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'web', image: o.image, ports: [{ containerPort: 8080 }] }] },
      },
    },
  });
  const milestones: Partial<Deploy100Result['milestones']> = {};
  let perNode: Record<string, number> = {};
  await until(`${o.replicas} pods Ready`, 600_000, async () => {
    const pods = (await cs.pods(NS).list({ labelSelector: `app=${NAME}` })).items.filter((p) => !p.metadata.deletionTimestamp);
    const at = (performance.now() - t0) / 1000;
    const mark = (k: keyof Deploy100Result['milestones'], n: number) => {
      if (n >= o.replicas && milestones[k] === undefined) milestones[k] = at;
    };
    mark('created', pods.length);
    mark('bound', pods.filter((p) => p.spec?.nodeName).length);
    mark('running', pods.filter((p) => p.status?.phase === 'Running').length);
    const ready = pods.filter((p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'));
    mark('ready', ready.length);
    perNode = {};
    for (const p of ready) perNode[p.spec!.nodeName!] = (perNode[p.spec!.nodeName!] ?? 0) + 1;
    return milestones.ready !== undefined;
  });
  const deploy_s = milestones.ready!;
  const rss = await o.rss();
  // each pod's own record, in seconds since the Deployment's create: when it was bound, when its
  // container really started (Docker's startedAt), when the agent reported it Ready
  const pods = (await cs.pods(NS).list({ labelSelector: `app=${NAME}` })).items;
  const since = (iso: string | undefined) => (iso ? Date.parse(iso) - wall0 : NaN) / 1000;
  const cond = (p: (typeof pods)[number], type: string) => p.status?.conditions?.find((c) => c.type === type)?.lastTransitionTime;
  const spread = (xs: number[]) => {
    const v = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    return v.length ? `median ${v[v.length >> 1]!.toFixed(1)}, last ${v[v.length - 1]!.toFixed(1)}` : 'n/a';
  };
  const bound = pods.map((p) => since(cond(p, 'PodScheduled')));
  const started = pods.map((p) => since(p.status?.containerStatuses?.[0]?.state?.running?.startedAt));
  const ready = pods.map((p) => since(cond(p, 'Ready')));
  o.log(`    per pod (s since the create; whole seconds in the API): bound ${spread(bound)}; container started ${spread(started)}; reported Ready ${spread(ready)}; started-to-Ready ${spread(ready.map((r, i) => r - started[i]!))}`);
  return { deploy_s, milestones: milestones as Deploy100Result['milestones'], perNode, rss };
}

async function dockerBaseline(o: Deploy100Options): Promise<number> {
  const label = 'io.skiff.bench=cluster-100';
  const perNode = o.nodes.map((n) => ({ node: n, jobs: [] as (() => Promise<void>)[] }));
  for (let i = 0; i < o.replicas; i++) {
    const { node, jobs } = perNode[i % o.nodes.length]!;
    jobs.push(async () => {
      const { stdout } = await exec('docker', ['-H', node.dockerHost, 'run', '-d', '--label', label, '--network', o.podNetwork, '--ipc', 'shareable', '--hostname', `bench-${i}`, o.pauseImage]);
      const sandbox = stdout.trim();
      await exec('docker', ['-H', node.dockerHost, 'run', '-d', '--label', label, '--network', `container:${sandbox}`, '--ipc', `container:${sandbox}`, o.image]);
    });
  }
  const t0 = performance.now();
  try {
    await Promise.all(perNode.map((p) => pool(p.jobs, o.dockerParallel)));
    return (performance.now() - t0) / 1000;
  } finally {
    for (const n of o.nodes) {
      const { stdout } = await exec('docker', ['-H', n.dockerHost, 'ps', '-aq', '--filter', `label=${label}`]);
      const ids = stdout.split('\n').filter(Boolean);
      if (ids.length) await exec('docker', ['-H', n.dockerHost, 'rm', '-f', ...ids], { maxBuffer: 1 << 24 });
    }
  }
}

export async function deploy100(o: Deploy100Options): Promise<Deploy100Result> {
  const client = createClient({ server: o.server, token: o.token, userAgent: 'bench-cluster' });
  const cs = new Clientset(client);
  try {
    const before = await Promise.all(o.nodes.map((n) => containerCount(n.dockerHost)));
    o.log(`(b) Deployment ${NAME}: ${o.replicas} replicas of ${o.image} on ${o.nodes.length} nodes`);
    const skiff = await skiffDeploy(o, cs);
    o.log(`    all Ready in ${skiff.deploy_s.toFixed(2)} s (${Object.entries(skiff.milestones).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}); per node ${JSON.stringify(skiff.perNode)}`);
    await cs.deployments(NS).delete(NAME, { propagationPolicy: 'Foreground' });
    await until('the Deployment\'s pods and containers gone', 300_000, async () => {
      if ((await cs.pods(NS).list({ labelSelector: `app=${NAME}` })).items.length > 0) return false;
      const now = await Promise.all(o.nodes.map((n) => containerCount(n.dockerHost)));
      return now.every((c, i) => c <= before[i]!);
    });
    o.log(`    deleted; the same ${o.replicas} pods (sandbox + app) by docker run -d, round-robin over the nodes, ${o.dockerParallel} pods in flight per node`);
    const docker_s = await dockerBaseline(o);
    o.log(`    docker run -d: ${docker_s.toFixed(2)} s`);
    return { ...skiff, docker_s };
  } finally {
    await cs.deployments(NS).delete(NAME).catch(() => undefined);
    client.close();
  }
}
