import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KObject, PlacementAnswer, Pod } from '@skiff/api';
import { FakeClient } from '@skiff/machinery/testing';
import { schedulerUrl } from '../scheduler-endpoint.js';
import { run } from '../testing/run.js';
import { SCHEDULED_ON_N2 } from '../testing/placement-fixture.js';

/** Stands in for skiff-scheduler's POST /explain: records what it was asked, answers `reply(pod)`. */
async function fakeScheduler(reply: (pod: Pod, query: URLSearchParams) => { status: number; body: unknown }): Promise<{ url: string; asked: { pod: Pod; query: string }[]; close(): Promise<void> }> {
  const asked: { pod: Pod; query: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method !== 'POST' || url.pathname !== '/explain') {
        res.writeHead(404).end('not found');
        return;
      }
      const pod = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Pod;
      asked.push({ pod, query: url.search });
      const r = reply(pod, url.searchParams);
      res.writeHead(r.status, { 'content-type': 'application/json' }).end(JSON.stringify(r.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, asked, close: () => new Promise((r) => server.close(() => r())) };
}

const scheduled = (pod: Pod): PlacementAnswer => ({
  pod: `${pod.metadata.namespace}/${pod.metadata.name}`,
  schedulerName: pod.spec?.schedulerName || 'default-scheduler',
  explanation: SCHEDULED_ON_N2,
  rejectedReasons: { 'Insufficient cpu': 1 },
});

const unschedulable = (pod: Pod): PlacementAnswer => ({
  pod: `${pod.metadata.namespace}/${pod.metadata.name}`,
  schedulerName: 'default-scheduler',
  explanation: { result: 'Unschedulable', evaluated: 1, feasible: 0, candidates: [], candidatesOmitted: 0, rejected: [{ node: 'n1', plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' }], rejectedOmitted: 0 },
  rejectedReasons: { 'Insufficient cpu': 1 },
  message: '0/1 nodes are available: 1 Insufficient cpu.',
  preemption: { node: 'n1', victims: ['default/low'] },
});

const manifest = (name: string, o: { namespace?: string; containers?: unknown[] } = {}): string =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(o.namespace ? { namespace: o.namespace } : {}) },
    spec: { containers: o.containers ?? [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1' } } }] },
  });

const existing: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'taken', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };

interface Case {
  name: string;
  stdin: string;
  args?: string[];
  reply?: (pod: Pod) => { status: number; body: unknown };
  code?: number;
  stdout?: string;
  stderr?: RegExp;
  /** What the scheduler was asked: "namespace/name query". */
  asked?: string[];
}

const cases: Case[] = [
  {
    name: 'a pod: where it would go, the runner-up, the rejected nodes, counted by reason',
    stdin: manifest('web'),
    stdout: [
      'Pod:          default/web (not created)',
      'Scheduler:    default-scheduler',
      'Would Go To:  n2',
      'Placement:    chosen n2 (score 187: NodeResourcesFit 90, TaintToleration 97)',
      '              also n3 (150: NodeResourcesFit 53, TaintToleration 97)',
      '              rejected: n1 (NodeResourcesFit: Insufficient cpu)',
      'Rejected:     1 Insufficient cpu',
      '',
    ].join('\n'),
    asked: ['default/web '],
  },
  {
    name: 'no node fits: the summary and what preemption would do',
    stdin: manifest('big'),
    reply: (p) => ({ status: 200, body: unschedulable(p) }),
    stdout: [
      'Pod:          default/big (not created)',
      'Scheduler:    default-scheduler',
      'Would Go To:  <none>: 0/1 nodes are available: 1 Insufficient cpu.',
      'Preemption:   would nominate n1, evicting default/low',
      'Placement:    no node fits (1 evaluated)',
      '              rejected: n1 (NodeResourcesFit: Insufficient cpu)',
      '',
    ].join('\n'),
  },
  {
    name: 'the namespace flag and the bounds reach the scheduler',
    stdin: manifest('web'),
    args: ['-n', 'team', '--candidates', '5', '--rejected', '0'],
    asked: ['team/web ?candidates=5&rejected=0'],
  },
  {
    name: 'a pod whose name is taken is still explained under its name, nothing created',
    stdin: manifest('taken'),
    asked: ['default/taken '],
  },
  {
    name: 'two pods: both asked, -o json gives a list',
    stdin: `${manifest('a')}\n---\n${manifest('b')}`,
    args: ['-o', 'json'],
    asked: ['default/a ', 'default/b '],
    stdout: `${JSON.stringify([scheduled({ metadata: { name: 'a', namespace: 'default' } } as Pod), scheduled({ metadata: { name: 'b', namespace: 'default' } } as Pod)], null, 2)}\n`,
  },
  {
    name: 'an invalid pod: the apiserver says why, the scheduler is not asked',
    stdin: manifest('bad', { containers: [] }),
    code: 1,
    stderr: /error when explaining "STDIN": .*spec\.containers: Required value/,
    asked: [],
  },
  {
    name: 'not a pod',
    stdin: JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: {}, template: {} } }),
    code: 1,
    stderr: /explains Pods only, not Deployment "web" \(STDIN\)/,
    asked: [],
  },
  {
    name: 'the scheduler refuses: its message',
    stdin: manifest('gpu'),
    reply: () => ({ status: 400, body: { message: 'this scheduler has no profile "gpu"' } }),
    code: 1,
    stderr: /skiff-scheduler at http:\/\/127\.0\.0\.1:\d+ answered 400: this scheduler has no profile "gpu"/,
  },
];

for (const c of cases) {
  void test(`explain-placement -f: ${c.name}`, async () => {
    const sched = await fakeScheduler((p) => (c.reply ?? ((q: Pod) => ({ status: 200, body: scheduled(q) })))(p));
    const client = new FakeClient({ objects: [existing] });
    try {
      const r = await run(client, ['explain-placement', '-f', '-', '--scheduler', sched.url, ...(c.args ?? [])], { stdin: c.stdin });
      assert.equal(r.code, c.code ?? 0, r.stderr);
      if (c.stdout !== undefined) assert.equal(r.stdout, c.stdout);
      if (c.stderr) assert.match(r.stderr, c.stderr);
      if (c.asked) assert.deepEqual(sched.asked.map((a) => `${a.pod.metadata.namespace}/${a.pod.metadata.name} ${a.query}`), c.asked);
      assert.deepEqual(
        client.objects('pods').map((p) => p.metadata.name),
        ['taken'],
        'nothing created',
      );
    } finally {
      await sched.close();
    }
  });
}

void test('explain-placement -f: an unreachable scheduler is named, with how to name another', async () => {
  const sched = await fakeScheduler(() => ({ status: 200, body: {} }));
  await sched.close();
  const r = await run(new FakeClient(), ['explain-placement', '-f', '-', '--scheduler', sched.url], { stdin: manifest('web') });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot reach skiff-scheduler at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).*--scheduler URL or \$SKIFF_SCHEDULER/);
});

void test('explain-placement -f: where the scheduler is', async (t) => {
  const cases: { name: string; flag?: string; env?: string; server: string; want: string }[] = [
    { name: 'the flag wins', flag: 'http://sched:9000/', env: 'other:1', server: '10.0.0.1:6443', want: 'http://sched:9000' },
    { name: 'then $SKIFF_SCHEDULER, http:// added', env: 'sched:9000', server: '10.0.0.1:6443', want: 'http://sched:9000' },
    { name: "else the apiserver's host on 10251", server: '10.0.0.1:6443', want: 'http://10.0.0.1:10251' },
    { name: 'an IPv6 apiserver', server: '[::1]:6443', want: 'http://[::1]:10251' },
    { name: 'a server without a port', server: 'api.local', want: 'http://api.local:10251' },
  ];
  for (const c of cases) await t.test(c.name, () => assert.equal(schedulerUrl(c.flag, c.env ? { SKIFF_SCHEDULER: c.env } : {}, c.server), c.want));
});
