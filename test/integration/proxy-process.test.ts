// The skiff-proxy process as a lab node runs it (`nsenter --net=<netns> node .../main.js`), in a
// private network namespace of the test's own, against a real apiserver (private etcd; the proxy
// reaches it through a unix socket relay, which crosses network namespaces): rules appear for a
// Service and Endpoints the test writes and follow their changes; cluster DNS answers on
// 169.254.20.10 over UDP and TCP from inside the namespace; `--cleanup` leaves iptables-save and
// the addresses exactly as before. Both iptables backends. The namespace, the relay and the
// process are removed afterwards, also on failure.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decode, encode, type DecodedPacket, type RecordType } from 'dns-packet';
import type { Endpoints, Service } from '@skiff/api';
import { ExecIptables, spawnCommand, type Backend } from '@skiff/proxy';
import { startCluster, type TestCluster } from '../harness/index.js';
import { poll } from '../harness/eventually.js';

const MAIN = resolve(import.meta.dirname, '../../../packages/proxy/dist/main.js');
const DNS_IP = '169.254.20.10';

const BASELINE = `*filter
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A DOCKER-USER -j RETURN
COMMIT
*nat
:SKIFF-PODNET-MASQ - [0:0]
-A POSTROUTING -j SKIFF-PODNET-MASQ
-A SKIFF-PODNET-MASQ -s 10.244.1.0/24 ! -d 224.0.0.0/4 -j MASQUERADE
COMMIT
`;

/** A DNS query sent from inside the namespace (a node process there), its answer decoded. */
const DNS_CLIENT = `
const [host, port, hex, transport] = process.argv.slice(1);
const q = Buffer.from(hex, 'hex');
const done = (b) => { process.stdout.write(b.toString('hex')); process.exit(0); };
setTimeout(() => { process.stderr.write('no answer'); process.exit(1); }, 3000);
if (transport === 'udp') {
  const s = (await import('node:dgram')).createSocket('udp4');
  s.on('message', done);
  s.send(q, Number(port), host);
} else {
  const c = (await import('node:net')).connect(Number(port), host);
  let buf = Buffer.alloc(0);
  c.on('data', (d) => { buf = Buffer.concat([buf, d]); if (buf.length >= 2 + buf.readUInt16BE(0)) done(buf.subarray(2)); });
  const len = Buffer.alloc(2); len.writeUInt16BE(q.length); c.write(Buffer.concat([len, q]));
}`;

function service(ns: string, name: string, spec: Service['spec']): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name }, spec };
}

function endpoints(ns: string, name: string, addrs: { ip: string; hostname?: string }[], ports: { name: string; port: number }[]): Endpoints {
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: ns, name }, subsets: [{ addresses: addrs.map((a) => ({ ...a, nodeName: 'node1' })), ports }] };
}

/** Polls `probe` every 100 ms until it returns a value other than undefined or false (errors count as "not yet"). */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> =>
  poll(what, timeoutMs, async () => {
    const v = await probe();
    return v === false ? undefined : v;
  }, { intervalMs: 100 });

/** Relays connections on a unix socket to host:port (the apiserver on the host's loopback). */
function relay(path: string, target: string): Promise<Server> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const server = createServer((c) => {
    const up = connect(port, host);
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  return new Promise((ok) => server.listen(path, () => ok(server)));
}

for (const backend of ['nft', 'legacy'] as Backend[]) {
  void describe(`skiff-proxy process in a node namespace (${backend})`, { timeout: 120_000 }, () => {
    const ns = `skiff-pp-${randomUUID().slice(0, 8)}`;
    const netns = `/var/run/netns/${ns}`;
    const iptables = new ExecIptables(backend, spawnCommand(netns));
    const inNs = (cmd: string, ...args: string[]): string => execFileSync('nsenter', [`--net=${netns}`, cmd, ...args], { encoding: 'utf8' });
    const save = async (): Promise<string> => {
      let out = '';
      for (const t of ['filter', 'nat', 'mangle'] as const) out += await iptables.save(t);
      return out.replace(/^#.*\n/gm, '');
    };
    // DNAT targets of the pod network (the apiserver's default/kubernetes Service has its own).
    const dnat = async (): Promise<string[]> => [...(await iptables.save('nat')).matchAll(/--to-destination (10\.244\.\S+)/g)].map((m) => m[1] ?? '').sort();
    const dns = (name: string, type: RecordType, transport: 'udp' | 'tcp'): DecodedPacket => {
      const q = encode({ type: 'query', id: 7, flags: 1 << 8, questions: [{ name, type }] });
      return decode(Buffer.from(inNs(process.execPath, '--input-type=module', '-e', DNS_CLIENT, DNS_IP, '53', q.toString('hex'), transport), 'hex'));
    };
    const data = (p: DecodedPacket): unknown[] => (p.answers ?? []).map((a) => (a as { data: unknown }).data);

    let cluster: TestCluster;
    let dir: string;
    let sock: Server;
    let proxy: ChildProcess | undefined;
    let output = '';
    let baseline = '';
    let addressesBefore = '';

    const startProxy = (): void => {
      const args = [`--net=${netns}`, process.execPath, MAIN, '--server', `unix:${join(dir, 'api.sock')}`, '--hostname-override', 'node1', '--cluster-cidr', '10.244.0.0/16'];
      args.push('--iptables-min-sync-period', '100ms', '--iptables-backend', backend, '--health-port', '-1', '--cluster-dns-ip', DNS_IP, '--resolv-conf', join(dir, 'resolv.conf'));
      proxy = spawn('nsenter', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      proxy.stdout?.on('data', (b: Buffer) => (output += b.toString()));
      proxy.stderr?.on('data', (b: Buffer) => (output += b.toString()));
    };
    const stopProxy = async (): Promise<void> => {
      const p = proxy;
      proxy = undefined;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    };

    before(async () => {
      cluster = await startCluster();
      dir = mkdtempSync(join(tmpdir(), 'skiff-pp-'));
      writeFileSync(join(dir, 'resolv.conf'), '# no upstream: this test asks only for cluster names\n');
      sock = await relay(join(dir, 'api.sock'), cluster.server.address);
      execFileSync('ip', ['netns', 'add', ns]);
      inNs('ip', 'link', 'set', 'lo', 'up');
      await iptables.restore(BASELINE);
      baseline = await save();
      addressesBefore = inNs('ip', '-o', 'addr');
    });
    after(async () => {
      await stopProxy();
      try {
        execFileSync('ip', ['netns', 'del', ns]);
      } finally {
        sock.close();
        rmSync(dir, { recursive: true, force: true });
        await cluster.close();
      }
    });

    void it('programs a Service and its Endpoints, and follows their changes', async () => {
      await cluster.client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns1' } });
      await cluster.client.create(service('ns1', 'web', { clusterIP: '10.96.0.10', ports: [{ name: 'http', port: 80, targetPort: 8080 }] }));
      await cluster.client.create(endpoints('ns1', 'web', [{ ip: '10.244.1.3' }], [{ name: 'http', port: 8080 }]));
      startProxy();
      await until("the endpoint's DNAT rule", async () => (await dnat()).join() === '10.244.1.3:8080').catch((e: Error) => {
        throw new Error(`${e.message}; the proxy said:\n${output}`);
      });
      const ep = await cluster.client.get<Endpoints>('endpoints', 'ns1', 'web');
      await cluster.client.update({ ...endpoints('ns1', 'web', [{ ip: '10.244.1.3' }, { ip: '10.244.2.4' }], [{ name: 'http', port: 8080 }]), metadata: ep.metadata });
      await until('the second endpoint', async () => (await dnat()).join() === '10.244.1.3:8080,10.244.2.4:8080');
      assert.match(await iptables.save('nat'), /-A SKIFF-SERVICES -d 10\.96\.0\.10\/32 -p tcp .*--dport 80 -j SKIFF-SVC-/);
    });

    void it('answers cluster DNS on 169.254.20.10 over UDP and TCP', async () => {
      await cluster.client.create(service('ns1', 'db', { clusterIP: 'None', ports: [{ name: 'pg', port: 5432 }] }));
      await cluster.client.create(endpoints('ns1', 'db', [{ ip: '10.244.1.7', hostname: 'db-0' }, { ip: '10.244.2.8' }], [{ name: 'pg', port: 5432 }]));
      assert.match(inNs('ip', '-o', 'addr', 'show', 'dev', 'lo'), /169\.254\.20\.10\/32 .*lo:skiff-dns/);
      for (const transport of ['udp', 'tcp'] as const) {
        assert.deepEqual(data(await until('the service name', async () => dns('web.ns1.svc.cluster.local', 'A', transport))), ['10.96.0.10']);
        const headless = await until('the headless service', async () => {
          const r = dns('db.ns1.svc.cluster.local', 'A', transport);
          return r.answers?.length === 2 && r;
        });
        assert.deepEqual(data(headless).sort(), ['10.244.1.7', '10.244.2.8']);
        assert.deepEqual(data(dns('db-0.db.ns1.svc.cluster.local', 'A', transport)), ['10.244.1.7']);
        assert.deepEqual(data(dns('_http._tcp.web.ns1.svc.cluster.local', 'SRV', transport)), [{ priority: 0, weight: 100, port: 80, target: 'web.ns1.svc.cluster.local' }]);
        assert.deepEqual(data(dns('10.0.96.10.in-addr.arpa', 'PTR', transport)), ['web.ns1.svc.cluster.local']);
        assert.equal((dns('nope.ns1.svc.cluster.local', 'A', transport).flags ?? 0) & 0xf, 3);
      }
    });

    void it('--cleanup leaves iptables-save and the addresses exactly as before', async () => {
      await stopProxy();
      const r = spawnSync('nsenter', [`--net=${netns}`, process.execPath, MAIN, '--cleanup', '--iptables-backend', backend], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout + r.stderr, /"cleaned up".*"dnsAddressesRemoved":\["169\.254\.20\.10"\]/);
      assert.equal(await save(), baseline);
      assert.equal(inNs('ip', '-o', 'addr'), addressesBefore);
    });
  });
}
