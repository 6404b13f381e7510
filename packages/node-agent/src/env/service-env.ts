// The service environment variables the kubelet gives every container (getServiceEnvVarMap and
// envvars.FromServices): for each Service with a cluster IP in the pod's namespace (only when
// enableServiceLinks, default true) and the master service `kubernetes` of `default` (always),
// `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`, `<NAME>_SERVICE_PORT_<PORTNAME>` and the Docker
// link variables `<NAME>_PORT`, `<NAME>_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]`.
import type { Pod, Service } from '@skiff/api';

export const MASTER_SERVICE_NAMESPACE = 'default';
export const MASTER_SERVICES = new Set(['kubernetes']);

function envName(s: string): string {
  return s.replace(/-/g, '_').toUpperCase();
}

function hasClusterIP(s: Service): boolean {
  const ip = s.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The variables of one Service, in the kubelet's order. */
export function serviceVariables(s: Service): [string, string][] {
  if (!hasClusterIP(s)) return [];
  const ip = s.spec?.clusterIP ?? '';
  const ports = s.spec?.ports ?? [];
  const prefix = envName(s.metadata.name ?? '');
  const out: [string, string][] = [[`${prefix}_SERVICE_HOST`, ip]];
  if (ports[0]) out.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
  for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
  ports.forEach((p, i) => {
    const proto = (p.protocol || 'TCP').toLowerCase();
    const url = `${proto}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push([pp, url], [`${pp}_PROTO`, proto], [`${pp}_PORT`, String(p.port)], [`${pp}_ADDR`, ip]);
  });
  return out;
}

/**
 * The service variables of a pod: `podNamespaceServices` are the Services of its namespace,
 * `masterServices` those of `default` (the master service is taken from there unless the pod's
 * namespace has a Service of the same name).
 */
export function serviceEnv(pod: Pod, podNamespaceServices: readonly Service[], masterServices: readonly Service[]): Map<string, string> {
  const chosen = new Map<string, Service>();
  const links = pod.spec?.enableServiceLinks ?? true;
  if (links) for (const s of podNamespaceServices) if (hasClusterIP(s)) chosen.set(s.metadata.name ?? '', s);
  for (const s of masterServices) {
    const name = s.metadata.name ?? '';
    if (MASTER_SERVICES.has(name) && hasClusterIP(s) && !chosen.has(name)) chosen.set(name, s);
  }
  const out = new Map<string, string>();
  for (const name of [...chosen.keys()].sort()) for (const [k, v] of serviceVariables(chosen.get(name) as Service)) out.set(k, v);
  return out;
}
