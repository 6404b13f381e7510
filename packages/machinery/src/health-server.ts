// The observability endpoint of every component: /metrics (Prometheus text), /healthz and /livez
// (liveness: the process serves HTTP and every liveness check passes), /readyz (readiness: every
// check passes), both formatted as Kubernetes' `/readyz?verbose`; plus any routes a component adds
// (the scheduler's POST /explain).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './log.js';

/** A readiness check: passes when it returns true/undefined; fails when it returns false or throws. */
export type ReadinessCheck = () => boolean | void | Promise<boolean | void>;

/** The answer of an added route. */
export interface HttpReply {
  status: number;
  body: string;
  /** Default "application/json". */
  contentType?: string;
}

/** An endpoint a component adds to its observability server (e.g. the scheduler's POST /explain). */
export interface HttpRoute {
  /** The one method it answers; any other gets 405. */
  method: 'GET' | 'POST';
  /** A larger request body is refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  handle(request: { body: string; query: URLSearchParams }): Promise<HttpReply>;
}

export interface HealthServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Served on /metrics; without it /metrics is 404. */
  registry?: Registry;
  /** Named readiness checks, e.g. { informers: () => informer.hasSynced(), leader: ... }. */
  checks?: Record<string, ReadinessCheck>;
  /** Named liveness checks run by /healthz and /livez (e.g. the proxy's "rules are synced"); default none. */
  livenessChecks?: Record<string, ReadinessCheck>;
  /** More endpoints by path (e.g. { '/explain': ... }); the built-in paths cannot be replaced. */
  routes?: Record<string, HttpRoute>;
  /** Closes the server when aborted. */
  signal?: AbortSignal;
  log?: Logger;
}

export interface HealthServer {
  host: string;
  port: number;
  /** http://host:port */
  url: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

interface CheckResult {
  name: string;
  ok: boolean;
  reason?: string;
}

async function runChecks(checks: Record<string, ReadinessCheck>): Promise<CheckResult[]> {
  return Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<CheckResult> => {
      try {
        return (await check()) === false ? { name, ok: false } : { name, ok: true };
      } catch (e) {
        return { name, ok: false, reason: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(body);
}

async function checked(req: IncomingMessage, res: ServerResponse, checks: Record<string, ReadinessCheck>, what: string): Promise<void> {
  const results = await runChecks(checks);
  const failed = results.filter((r) => !r.ok);
  const verbose = new URL(req.url ?? '/', 'http://x').searchParams.has('verbose');
  if (failed.length === 0 && !verbose) return send(res, 200, 'ok');
  const lines = results.map((r) => (r.ok ? `[+]${r.name} ok` : `[-]${r.name} failed${r.reason ? `: ${r.reason}` : ''}`));
  lines.push(failed.length === 0 ? `${what} check passed` : `${what} check failed`);
  send(res, failed.length === 0 ? 200 : 503, `${lines.join('\n')}\n`);
}

const DEFAULT_MAX_BODY = 1 << 20;

/** The request body, or undefined when it exceeds `max` bytes (413 sent, the rest of the body not read). */
async function readBody(req: IncomingMessage, res: ServerResponse, max: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) {
    res.setHeader('connection', 'close');
    send(res, 413, `request body larger than ${max} bytes`);
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) {
      res.setHeader('connection', 'close');
      send(res, 413, `request body larger than ${max} bytes`);
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function serveRoute(req: IncomingMessage, res: ServerResponse, route: HttpRoute, query: URLSearchParams): Promise<void> {
  if (req.method !== route.method) {
    res.setHeader('allow', route.method);
    return send(res, 405, 'method not allowed');
  }
  const body = route.method === 'POST' ? await readBody(req, res, route.maxBodyBytes ?? DEFAULT_MAX_BODY) : '';
  if (body === undefined) return;
  const reply = await route.handle({ body, query });
  send(res, reply.status, reply.body, reply.contentType ?? 'application/json');
}

const BUILT_IN = new Set(['/healthz', '/livez', '/readyz', '/metrics']);

async function handle(req: IncomingMessage, res: ServerResponse, opts: HealthServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  const route = !BUILT_IN.has(path) && opts.routes && Object.hasOwn(opts.routes, path) ? opts.routes[path] : undefined;
  if (route) return serveRoute(req, res, route, url.searchParams);
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
  switch (path) {
    case '/healthz':
    case '/livez':
      return checked(req, res, opts.livenessChecks ?? {}, path.slice(1));
    case '/readyz':
      return checked(req, res, opts.checks ?? {}, 'readyz');
    case '/metrics':
      if (!opts.registry) return send(res, 404, 'not found');
      return send(res, 200, await opts.registry.metrics(), opts.registry.contentType);
    default:
      return send(res, 404, 'not found');
  }
}

/** Starts serving; resolves once listening, with the bound address. */
export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    handle(req, res, opts).catch((e: unknown) => {
      opts.log?.error('observability request failed', { path: req.url, err: e });
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      opts.signal?.removeEventListener('abort', onAbort);
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  const onAbort = (): void => {
    close().catch(() => {});
  };
  if (opts.signal?.aborted) await close();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  opts.log?.info('observability server listening', { address: `${host}:${addr.port}` });
  return { host: addr.address, port: addr.port, url: `http://${host}:${addr.port}`, close };
}
