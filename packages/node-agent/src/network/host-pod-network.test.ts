import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import type { CommandResult, CommandRunner } from './command-runner.js';
import { HostPodNetwork } from './host-pod-network.js';

/** A node's iptables and routing table as far as the commands of the pod network see them. */
class FakeNode implements CommandRunner {
  save = '*filter\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\nCOMMIT\n*nat\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n';
  routes = new Map<string, string>();
  unreachable = new Set<string>();
  ran: string[] = [];

  async run(cmd: string, args: readonly string[], opts: { input?: string } = {}): Promise<CommandResult> {
    const line = [cmd, ...args].join(' ');
    this.ran.push(line);
    const ok = (stdout = '') => ({ code: 0, stdout, stderr: '' });
    if (cmd === 'iptables-save') return ok(this.save);
    if (cmd === 'iptables-restore') {
      // what the kernel would hold afterwards: good enough to see the plan converge
      this.save = restored(this.save, opts.input ?? '');
      return ok();
    }
    if (cmd === 'ip' && args.includes('show')) return ok([...this.routes].map(([d, v]) => `${d} via ${v} dev eth0 proto 91 \n`).join(''));
    if (cmd === 'ip') {
      const [, , action, dest, , via] = args as string[];
      if (this.unreachable.has(via!)) throw new Error(`ip route ${action} ${dest}: Nexthop has invalid gateway`);
      if (action === 'del') this.routes.delete(dest!);
      else this.routes.set(dest!, via!);
      return ok();
    }
    return ok();
  }
}

/** Applies an iptables-restore --noflush payload to an iptables-save text (chains declared are flushed). */
function restored(save: string, payload: string): string {
  const tables = new Map<string, string[]>();
  let cur: string[] = [];
  for (const l of save.split('\n')) {
    if (l.startsWith('*')) tables.set(l.slice(1), (cur = []));
    else if (l && l !== 'COMMIT') cur.push(l);
  }
  for (const l of payload.split('\n')) {
    if (l.startsWith('*')) cur = tables.get(l.slice(1)) ?? [];
    else if (l.startsWith(':')) {
      const chain = l.slice(1).split(' ')[0]!;
      for (let i = cur.length - 1; i >= 0; i--) if (cur[i]!.startsWith(`-A ${chain} `)) cur.splice(i, 1);
      if (!cur.some((x) => x.startsWith(`:${chain} `))) cur.unshift(l);
    } else if (l.startsWith('-A ')) cur.push(l);
    else if (l.startsWith('-I ')) {
      const [, chain, , ...rest] = l.split(' ');
      cur.push(`-A ${chain} ${rest.join(' ')}`);
    }
  }
  return [...tables].map(([t, lines]) => [`*${t}`, ...lines.filter((x) => x.startsWith(':')), ...lines.filter((x) => x.startsWith('-A')), 'COMMIT'].join('\n')).join('\n') + '\n';
}

function fakeDocker(): { docker: Docker; networks: Map<string, Docker.NetworkCreateOptions> } {
  const networks = new Map<string, Docker.NetworkCreateOptions>();
  const docker = {
    getNetwork: (name: string) => ({
      inspect: async () => {
        const n = networks.get(name);
        if (!n) throw Object.assign(new Error('no such network'), { statusCode: 404 });
        return { Name: name, Driver: n.Driver, IPAM: { Config: n.IPAM?.Config?.map((c) => ({ Subnet: c.Subnet })) }, Options: n.Options, Containers: {} };
      },
      remove: async () => void networks.delete(name),
    }),
    createNetwork: async (o: Docker.NetworkCreateOptions) => void networks.set(o.Name, o),
  } as unknown as Docker;
  return { docker, networks };
}

void describe('HostPodNetwork', () => {
  const config = { podCIDR: '10.244.1.0/24', clusterCIDR: '10.244.0.0/16' };

  void it('sets up once, then finds everything in place', async () => {
    const node = new FakeNode();
    const { docker, networks } = fakeDocker();
    const net = new HostPodNetwork(docker, node, config);
    assert.match((await net.check()) ?? '', /network skiff-pods is missing/);
    await net.setUp();
    assert.equal(await net.check(), undefined);
    assert.ok(networks.has('skiff-pods'));
    const restores = () => node.ran.filter((l) => l.startsWith('iptables-restore')).length;
    assert.equal(restores(), 1);
    await net.setUp();
    assert.equal(restores(), 1, 'nothing rewritten when in place');
  });

  void it('an unreachable node fails its route only', async () => {
    const node = new FakeNode();
    node.unreachable.add('192.168.9.9');
    const net = new HostPodNetwork(fakeDocker().docker, node, config);
    await assert.rejects(
      net.syncRoutes([
        { name: 'far', podCIDR: '10.244.2.0/24', internalIP: '192.168.9.9' },
        { name: 'near', podCIDR: '10.244.3.0/24', internalIP: '10.200.0.13' },
      ]),
      /1 of 2 route changes failed: .*Nexthop has invalid gateway/,
    );
    assert.deepEqual([...node.routes], [['10.244.3.0/24', '10.200.0.13']]);
  });

  void it('cleanUp removes the chains, its routes and the network', async () => {
    const node = new FakeNode();
    const { docker, networks } = fakeDocker();
    const net = new HostPodNetwork(docker, node, config);
    await net.setUp();
    await net.syncRoutes([{ name: 'n2', podCIDR: '10.244.2.0/24', internalIP: '10.200.0.12' }]);
    await net.cleanUp();
    assert.deepEqual(
      node.ran.filter((l) => l.startsWith('iptables ') || l.includes('route del')),
      [
        'iptables -w -t filter -D DOCKER-USER -j SKIFF-PODNET-FWD',
        'iptables -w -t filter -F SKIFF-PODNET-FWD',
        'iptables -w -t filter -X SKIFF-PODNET-FWD',
        'iptables -w -t nat -D POSTROUTING -j SKIFF-PODNET-MASQ',
        'iptables -w -t nat -F SKIFF-PODNET-MASQ',
        'iptables -w -t nat -X SKIFF-PODNET-MASQ',
        'ip -4 route del 10.244.2.0/24 via 10.200.0.12 proto 91',
      ],
    );
    assert.equal(networks.size, 0);
  });
});
