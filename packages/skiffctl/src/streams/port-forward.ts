// skiffctl port-forward POD [LOCAL:]REMOTE...: listens on local ports (127.0.0.1 by default) and
// relays each accepted connection through the apiserver (one PodPortForward stream per
// connection) to the pod's port, until interrupted.
import { createServer, type Server, type Socket } from 'node:net';
import { type PodPortForwardResponse, type StreamClient } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { err, out } from '../io-lines.js';
import { podName } from './pod-arg.js';

export interface PortPair {
  /** 0: any free port */
  local: number;
  remote: number;
}

function port(s: string, what: string): number {
  const n = Number(s);
  if (!/^\d+$/.test(s) || n < 0 || n > 65535) throw new UsageError(`invalid ${what} port "${s}": must be a number between 0 and 65535`);
  return n;
}

/** kubectl's forms: 8080 (same both sides), 8080:80, :80 (a free local port). */
export function parsePortPair(spec: string): PortPair {
  const parts = spec.split(':');
  if (parts.length > 2) throw new UsageError(`invalid port "${spec}": use LOCAL:REMOTE, PORT or :REMOTE`);
  const remote = port(parts[parts.length - 1]!, 'remote');
  if (remote === 0) throw new UsageError(`invalid port "${spec}": the remote port must be between 1 and 65535`);
  const local = parts.length === 1 ? remote : parts[0] === '' ? 0 : port(parts[0]!, 'local');
  return { local, remote };
}

export interface PortForwardArgs {
  pod: string;
  namespace: string;
  ports: string[];
  /** local addresses to listen on (default 127.0.0.1) */
  addresses?: string[];
}

/** One local connection relayed over one stream. */
function relay(client: StreamClient, target: { namespace: string; name: string }, remote: number, socket: Socket, io: Io): void {
  const call = client.portForward();
  let first = true;
  const send = (data: Buffer | undefined, close = false) => {
    const msg = first ? { target, port: remote, ...(data ? { data } : {}), close } : { ...(data ? { data } : {}), close };
    first = false;
    if (!call.write(msg)) {
      socket.pause();
      call.once('drain', () => socket.resume());
    }
  };
  send(undefined);
  socket.on('data', (d: Buffer) => send(d));
  socket.on('end', () => {
    send(undefined, true);
    call.end();
  });
  socket.on('error', () => call.cancel());
  socket.on('close', () => call.cancel());
  call.on('data', (m: PodPortForwardResponse) => {
    if (!socket.write(m.data)) {
      call.pause();
      socket.once('drain', () => call.resume());
    }
  });
  call.on('end', () => socket.end());
  call.on('error', (e: Error & { code?: number; details?: string }) => {
    if (e.code !== 1) err(io, `error: ${e.details ?? e.message}`);
    socket.destroy();
  });
}

export async function portForward(client: StreamClient, a: PortForwardArgs, io: Io): Promise<number> {
  if (a.ports.length === 0) throw new UsageError('at least one port is required: LOCAL:REMOTE');
  const pairs = a.ports.map(parsePortPair);
  const target = { namespace: a.namespace, name: podName(a.pod) };
  const servers: Server[] = [];
  try {
    for (const address of a.addresses?.length ? a.addresses : ['127.0.0.1']) {
      for (const p of pairs) {
        const server = createServer((socket) => {
          out(io, `Handling connection for ${(server.address() as { port: number }).port}`);
          relay(client, target, p.remote, socket, io);
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(p.local, address, () => resolve());
        });
        servers.push(server);
        out(io, `Forwarding from ${address}:${(server.address() as { port: number }).port} -> ${p.remote}`);
      }
    }
    await new Promise<void>((resolve) => {
      if (!io.signal) return;
      if (io.signal.aborted) return resolve();
      io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return 0;
  } finally {
    for (const s of servers) s.close();
  }
}
