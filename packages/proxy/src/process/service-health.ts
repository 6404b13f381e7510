// Health check node ports (kube-proxy's healthcheck.ServiceHealthServer): for each Service with
// externalTrafficPolicy Local and a spec.healthCheckNodePort, an HTTP server on that port answers
// any path with the number of the Service's ready endpoints on this node: 200 when there is at
// least one (and the proxy is healthy), else 503, so a load balancer sends traffic only to nodes
// that keep it. The body and headers are kube-proxy's.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@skiff/machinery';
import type { EndpointsMap, ServicePortMap } from '../tracker/change-tracker.js';

export interface HealthCheckService {
  port: number;
  /** Ready endpoints on this node (distinct IPs over the service's ports). */
  localEndpoints: number;
}

/** The services with a health check node port and their local ready endpoints ("ns/name" keys). */
export function healthCheckServices(services: ServicePortMap, endpoints: EndpointsMap): Map<string, HealthCheckService> {
  const ips = new Map<string, { port: number; ips: Set<string> }>();
  for (const [name, p] of services) {
    if (!p.healthCheckNodePort) continue;
    const entry = ips.get(p.service) ?? { port: p.healthCheckNodePort, ips: new Set<string>() };
    ips.set(p.service, entry);
    for (const e of endpoints.get(name) ?? []) if (e.isLocal && e.ready) entry.ips.add(e.ip);
  }
  return new Map([...ips].map(([k, v]) => [k, { port: v.port, localEndpoints: v.ips.size }]));
}

/** kube-proxy's answer (its indentation, no trailing newline). */
export function healthCheckBody(service: string, localEndpoints: number, proxyHealthy: boolean): string {
  const [namespace, name] = service.split('/');
  return ['{', '\t"service": {', `\t\t"namespace": ${JSON.stringify(namespace)},`, `\t\t"name": ${JSON.stringify(name)}`, '\t},', `\t"localEndpoints": ${localEndpoints},`, `\t"serviceProxyHealthy": ${proxyHealthy}`, '}'].join('\n');
}

export interface ServiceHealthServerOptions {
  /** Where to listen (default every address). */
  host?: string;
  /** The proxy's own health (its /healthz rule). */
  proxyHealthy: () => boolean;
  log: Logger;
}

interface Listener {
  server: Server;
  service: string;
}

export class ServiceHealthServer {
  private readonly listeners = new Map<number, Listener>();
  private counts = new Map<string, number>();

  constructor(private readonly opts: ServiceHealthServerOptions) {}

  /** Opens the ports of new services, closes those of services gone, takes the new counts. */
  sync(services: ReadonlyMap<string, HealthCheckService>): void {
    this.counts = new Map([...services].map(([k, v]) => [k, v.localEndpoints]));
    const wanted = new Map([...services].map(([k, v]) => [v.port, k]));
    for (const [port, l] of this.listeners) {
      if (wanted.get(port) === l.service) continue;
      this.listeners.delete(port);
      l.server.close();
    }
    for (const [port, service] of wanted) if (!this.listeners.has(port)) this.listen(port, service);
  }

  /** The ports served now. */
  ports(): number[] {
    return [...this.listeners.keys()].sort((a, b) => a - b);
  }

  async close(): Promise<void> {
    const all = [...this.listeners.values()];
    this.listeners.clear();
    await Promise.all(all.map((l) => new Promise<void>((resolve) => l.server.close(() => resolve()))));
  }

  private listen(port: number, service: string): void {
    const server = createServer((req, res) => this.answer(service, req, res));
    server.on('error', (err) => {
      this.opts.log.error('cannot serve a health check node port', { service, port, err });
      if (this.listeners.get(port)?.server === server) this.listeners.delete(port);
    });
    server.listen(port, this.opts.host);
    this.listeners.set(port, { server, service });
  }

  private answer(service: string, _req: IncomingMessage, res: ServerResponse): void {
    const count = this.counts.get(service) ?? 0;
    const healthy = this.opts.proxyHealthy();
    res.writeHead(count > 0 && healthy ? 200 : 503, {
      'Content-Type': 'application/json',
      'X-Content-Type-Options': 'nosniff',
      'X-Load-Balancing-Endpoint-Weight': String(count),
    });
    res.end(healthCheckBody(service, count, healthy));
  }
}
