import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Container } from '@skiff/api';
import { managedHostsFileContent, mountsHostsFile, writePodHostsFile } from './hosts-file.js';

const LOCAL = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

const cases: { name: string; args: Parameters<typeof managedHostsFileContent>; want: string }[] = [
  { name: 'the pod IP with its hostname', args: [['10.244.1.5'], 'web-0', undefined], want: `${LOCAL}10.244.1.5\tweb-0\n` },
  { name: 'with a subdomain: the FQDN, then the hostname', args: [['10.244.1.5'], 'web-0', 'web.prod.svc.cluster.local'], want: `${LOCAL}10.244.1.5\tweb-0.web.prod.svc.cluster.local\tweb-0\n` },
  {
    name: 'hostAliases after a blank line and their comment, one line per IP',
    args: [['10.244.1.5'], 'p', undefined, [{ ip: '10.0.0.5', hostnames: ['db', 'db.local'] }, { ip: '10.0.0.6', hostnames: ['cache'] }]],
    want: `${LOCAL}10.244.1.5\tp\n\n# Entries added by HostAliases.\n10.0.0.5\tdb\tdb.local\n10.0.0.6\tcache\n`,
  },
  { name: 'no aliases block for an empty list', args: [['10.244.1.5'], 'p', undefined, []], want: `${LOCAL}10.244.1.5\tp\n` },
];
for (const c of cases) {
  void test(`managedHostsFileContent: ${c.name}`, () => {
    assert.equal(managedHostsFileContent(...c.args), c.want);
  });
}

const mountCases: { name: string; container: Container; want: boolean }[] = [
  { name: 'a container without mounts gets the file', container: { name: 'a', image: 'x' }, want: true },
  { name: 'a container mounting /etc/hosts itself does not', container: { name: 'a', image: 'x', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] }, want: false },
  { name: 'nor a path that normalizes to it', container: { name: 'a', image: 'x', volumeMounts: [{ name: 'h', mountPath: '/etc//hosts' }] }, want: false },
  { name: 'a mount of /etc/hostname is another file', container: { name: 'a', image: 'x', volumeMounts: [{ name: 'h', mountPath: '/etc/hostname' }] }, want: true },
];
for (const c of mountCases) {
  void test(`mountsHostsFile: ${c.name}`, () => {
    assert.equal(mountsHostsFile(c.container), c.want);
  });
}

void test('writePodHostsFile: <pod dir>/etc-hosts, 0644; a hostNetwork pod gets the node file and its aliases', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'skiff-hosts-'));
  try {
    const podDir = path.join(dir, 'pods', 'u1');
    const file = await writePodHostsFile({ podDir, podIPs: ['10.244.1.5'], hostname: 'p', hostNetwork: false });
    assert.equal(file, path.join(podDir, 'etc-hosts'));
    assert.equal((await stat(file)).mode & 0o777, 0o644);
    assert.equal(await readFile(file, 'utf8'), `${LOCAL}10.244.1.5\tp\n`);
    const nodeHosts = path.join(dir, 'node-hosts');
    await writeFile(nodeHosts, '127.0.0.1\tlocalhost\n192.0.2.1\tnode1\n');
    await writePodHostsFile({ podDir, podIPs: ['192.0.2.1'], hostname: 'p', hostNetwork: true, nodeHostsPath: nodeHosts, aliases: [{ ip: '10.0.0.5', hostnames: ['db'] }] });
    assert.equal(await readFile(file, 'utf8'), '127.0.0.1\tlocalhost\n192.0.2.1\tnode1\n\n# Entries added by HostAliases.\n10.0.0.5\tdb\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
