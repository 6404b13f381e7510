// The pod's /etc/hosts as the kubelet writes it (kubelet_pods.go ensureHostsFile) to
// <pod dir>/etc-hosts and bind-mounts into every container of the pod (read-write) once the pod
// has an IP, unless the container mounts something at /etc/hosts itself: for a pod on the pod
// network a managed file (header, localhost lines, the pod IP with its hostname, or its FQDN and
// hostname when it has a subdomain, then the hostAliases); for a hostNetwork pod the node's own
// /etc/hosts followed by the hostAliases.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Container, HostAlias } from '@skiff/api';

export const ETC_HOSTS_PATH = '/etc/hosts';
export const MANAGED_HOSTS_HEADER = '# Kubernetes-managed hosts file.\n';

/** the hostAliases block: one line per alias IP with all its names, after a blank line and a comment */
export function hostsEntriesFromHostAliases(aliases: readonly HostAlias[] | undefined): string {
  if (!aliases || aliases.length === 0) return '';
  return `\n# Entries added by HostAliases.\n${aliases.map((a) => `${a.ip ?? ''}\t${(a.hostnames ?? []).join('\t')}\n`).join('')}`;
}

/** the managed file of a pod on the pod network */
export function managedHostsFileContent(podIPs: readonly string[], hostname: string, domain: string | undefined, aliases?: readonly HostAlias[]): string {
  let out = MANAGED_HOSTS_HEADER;
  out += '127.0.0.1\tlocalhost\n';
  out += '::1\tlocalhost ip6-localhost ip6-loopback\n';
  out += 'fe00::0\tip6-localnet\n';
  out += 'fe00::0\tip6-mcastprefix\n';
  out += 'fe00::1\tip6-allnodes\n';
  out += 'fe00::2\tip6-allrouters\n';
  for (const ip of podIPs) out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostsEntriesFromHostAliases(aliases);
}

/** a hostNetwork pod's file: the node's hosts file and the aliases */
export function nodeHostsFileContent(nodeHosts: string, aliases?: readonly HostAlias[]): string {
  return nodeHosts + hostsEntriesFromHostAliases(aliases);
}

/** whether the kubelet mounts the pod's hosts file into this container (not when it mounts /etc/hosts itself) */
export function mountsHostsFile(container: Container): boolean {
  return !(container.volumeMounts ?? []).some((m) => path.posix.normalize(m.mountPath) === ETC_HOSTS_PATH);
}

export interface HostsFileInput {
  podDir: string;
  podIPs: readonly string[];
  hostname: string;
  domain?: string;
  aliases?: readonly HostAlias[];
  hostNetwork: boolean;
  /** the node's hosts file (default /etc/hosts) */
  nodeHostsPath?: string;
}

/** writes <podDir>/etc-hosts (0644) and returns its path */
export async function writePodHostsFile(i: HostsFileInput): Promise<string> {
  const file = path.join(i.podDir, 'etc-hosts');
  const content = i.hostNetwork ? nodeHostsFileContent(await readFile(i.nodeHostsPath ?? ETC_HOSTS_PATH, 'utf8'), i.aliases) : managedHostsFileContent(i.podIPs, i.hostname, i.domain, i.aliases);
  await mkdir(i.podDir, { recursive: true });
  await writeFile(file, content, { mode: 0o644 });
  return file;
}
