// Runs one probe or lifecycle-hook handler against a container, as the kubelet's prober and
// handler runner do: httpGet from the agent to the pod IP (or `host`), port by number or by the
// container's port name, headers, HTTPS without verification, success for 200-399; tcpSocket (a
// connection within the timeout); exec through the runtime (exit code 0); grpc (probes only: the
// gRPC health check to the pod IP, `grpc-health.ts`). The output is the kubelet's message for
// events ("HTTP probe failed with statuscode: 500", the command's output...).
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, GRPCAction, IntOrString, Pod, Probe, ProbeHandler } from '@skiff/api';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { grpcHealthCheck, joinHostPort } from './grpc-health.js';

export const PROBE_USER_AGENT = 'kube-probe/1.29';
/** the kubelet reads at most this much of a probe's HTTP body */
const MAX_BODY_BYTES = 10 * 1024;

export interface HandlerTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  /** the pod's IP (the node's for hostNetwork pods) */
  podIP?: string;
}

export interface HandlerOutcome {
  ok: boolean;
  /** why it failed, or what it said */
  output: string;
}

export function resolvePort(port: IntOrString, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const found = container.ports?.find((p) => p.name === port);
  if (!found) throw new Error(`couldn't find port: ${port} in ${container.name}`);
  return found.containerPort;
}

async function httpGet(h: NonNullable<ProbeHandler['httpGet']>, t: HandlerTarget, timeoutMs: number, anyStatus: boolean): Promise<HandlerOutcome> {
  const host = h.host || t.podIP || '';
  const port = resolvePort(h.port, t.container);
  const scheme = (h.scheme ?? 'HTTP').toLowerCase() === 'https' ? 'https' : 'http';
  let path = h.path ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const url = `${scheme}://${joinHostPort(host, port)}${path}`;
  const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' };
  for (const x of h.httpHeaders ?? []) headers[x.name] = x.value;
  const lib = scheme === 'https' ? https : http;
  return new Promise((resolve) => {
    const req = lib.get(url, { headers, timeout: timeoutMs, ...(scheme === 'https' ? { rejectUnauthorized: false } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(c);
        size += c.length;
      });
      res.on('error', (e) => resolve({ ok: false, output: `Get "${url}": ${e.message}` }));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
        resolve(anyStatus || (code >= 200 && code < 400) ? { ok: true, output: body } : { ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (e) => resolve({ ok: false, output: `Get "${url}": ${dialError(host, port, e)}` }));
  });
}

// Go's text for a failed connect (what the kubelet's probe messages carry), by errno.
const CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connect: connection refused',
  EHOSTUNREACH: 'connect: no route to host',
  ENETUNREACH: 'connect: network is unreachable',
  EADDRNOTAVAIL: 'connect: cannot assign requested address',
  ETIMEDOUT: 'i/o timeout',
};

/** A failed connect as Go's net.Dial words it (`dial tcp HOST:PORT: connect: connection refused`); other errors keep Node's message. */
function dialError(host: string, port: number, e: NodeJS.ErrnoException): string {
  if (e.syscall !== 'connect') return e.message;
  return `dial tcp ${joinHostPort(host, port)}: ${(e.code && CONNECT_ERRORS[e.code]) ?? e.message}`;
}

async function tcpSocket(h: NonNullable<ProbeHandler['tcpSocket']>, t: HandlerTarget, timeoutMs: number): Promise<HandlerOutcome> {
  const host = h.host || t.podIP || '';
  const port = resolvePort(h.port, t.container);
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (o: HandlerOutcome) => {
      sock.destroy();
      resolve(o);
    };
    sock.setTimeout(timeoutMs, () => done({ ok: false, output: `dial tcp ${joinHostPort(host, port)}: i/o timeout` }));
    sock.once('connect', () => done({ ok: true, output: '' }));
    sock.once('error', (e: NodeJS.ErrnoException) => done({ ok: false, output: e.syscall === 'connect' ? dialError(host, port, e) : `dial tcp ${joinHostPort(host, port)}: ${e.message}` }));
  });
}

async function exec(h: NonNullable<ProbeHandler['exec']>, t: HandlerTarget, timeoutMs: number, runtime: ContainerRuntime): Promise<HandlerOutcome> {
  const cmd = h.command ?? [];
  try {
    const r = await runtime.execSync(t.containerId, cmd, timeoutMs);
    const output = `${r.stdout}${r.stderr}`;
    return r.exitCode === 0 ? { ok: true, output } : { ok: false, output: output || `command ${JSON.stringify(cmd.join(' '))} exited with ${r.exitCode}` };
  } catch (e) {
    return { ok: false, output: `command ${JSON.stringify(cmd.join(' '))} failed: ${(e as Error).message}` };
  }
}

/** the kubelet's gRPC probe: always to the pod IP, the service name defaulting to "" */
function grpc(h: GRPCAction, t: HandlerTarget, timeoutMs: number): Promise<HandlerOutcome> {
  return grpcHealthCheck(t.podIP ?? '', h.port, h.service ?? '', timeoutMs, PROBE_USER_AGENT);
}

/**
 * Runs a handler; a handler with no action or a bad port fails with the reason. A probe's HTTP
 * status must be 200-399; a hook's (`kind: 'hook'`) fails only when no response came, as the
 * kubelet's handler runner. Only a probe has a grpc handler.
 */
export async function runHandler(handler: Probe, target: HandlerTarget, timeoutMs: number, runtime: ContainerRuntime, kind: 'probe' | 'hook' = 'probe'): Promise<HandlerOutcome> {
  try {
    if (handler.exec) return await exec(handler.exec, target, timeoutMs, runtime);
    if (handler.httpGet) return await httpGet(handler.httpGet, target, timeoutMs, kind === 'hook');
    if (handler.tcpSocket) return await tcpSocket(handler.tcpSocket, target, timeoutMs);
    if (handler.grpc) return await grpc(handler.grpc, target, timeoutMs);
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
  return { ok: false, output: 'missing probe handler' };
}

/** what a handler is, for hook event messages ("Exec lifecycle hook ([sh -c x])", "HTTP lifecycle hook (/stop)") */
export function describeHandler(handler: ProbeHandler): string {
  if (handler.exec) return `Exec lifecycle hook ([${(handler.exec.command ?? []).join(' ')}])`;
  if (handler.httpGet) return `HTTP lifecycle hook (${handler.httpGet.path ?? ''})`;
  if (handler.tcpSocket) return 'TCP lifecycle hook';
  return 'lifecycle hook';
}
