// PodPortForward on the agent: one TCP connection to the pod's IP (127.0.0.1 for a pod on the
// host's network) and the port of the first message, relayed both ways with backpressure.
import * as grpc from '@grpc/grpc-js';
import { connect, type Socket } from 'node:net';
import { ApiError } from '@skiff/api';
import type { PodContainer, PodPortForwardRequest, PodPortForwardResponse } from '@skiff/machinery';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { failCall } from './status.js';
import { callSignal } from './write.js';

/** The address of a pod's network: its sandbox's IP, or loopback with host networking. */
export async function podAddress(runtime: ContainerRuntime, t: PodContainer): Promise<string> {
  const ns = t.namespace || 'default';
  const sandboxes = (await runtime.listPodSandboxes(t.podUid ? { podUid: t.podUid } : {})).filter(
    (s) => s.state === 'ready' && s.pod.namespace === ns && s.pod.name === t.name && (!t.podUid || s.pod.uid === t.podUid),
  );
  const sandbox = sandboxes.sort((a, b) => b.attempt - a.attempt)[0];
  if (!sandbox) throw new ApiError('FAILED_PRECONDITION', `pod "${t.name}" in namespace "${ns}" is not running on this node`, { reason: 'BadRequest' });
  const status = await runtime.podSandboxStatus(sandbox.id);
  if (status.hostNetwork) return '127.0.0.1';
  if (!status.ip) throw new ApiError('FAILED_PRECONDITION', `pod "${t.name}" has no IP yet`, { reason: 'BadRequest' });
  return status.ip;
}

export function portForwardHandler(runtime: ContainerRuntime) {
  return (call: grpc.ServerDuplexStream<PodPortForwardRequest, PodPortForwardResponse>): void => {
    const ac = callSignal(call);
    let socket: Socket | undefined;
    const pending: PodPortForwardRequest[] = [];
    let started = false;
    let clientEnded = false;
    const toPod = (m: PodPortForwardRequest): void => {
      if (!socket) return;
      if (m.data?.length && !socket.write(m.data)) call.pause();
      if (m.close) socket.end();
    };
    const open = async (first: PodPortForwardRequest): Promise<void> => {
      const port = first.port ?? 0;
      if (!(port >= 1 && port <= 65535)) throw new ApiError('INVALID_ARGUMENT', `port: Invalid value: ${port}: must be between 1 and 65535, inclusive`, { reason: 'BadRequest' });
      const host = await podAddress(runtime, first.target ?? {});
      if (ac.signal.aborted) return;
      const s = connect({ host, port });
      const abort = () => s.destroy();
      ac.signal.addEventListener('abort', abort, { once: true });
      await new Promise<void>((resolve, reject) => {
        s.once('connect', resolve);
        s.once('error', (e) => reject(new ApiError('UNAVAILABLE', `error forwarding port ${port} to pod ${first.target?.name}: ${e.message}`, { reason: 'ServiceUnavailable' })));
        s.once('close', () => reject(new ApiError('UNAVAILABLE', `error forwarding port ${port} to pod ${first.target?.name}: closed while connecting`, { reason: 'ServiceUnavailable' })));
      });
      // only now: what the client sends meanwhile (data, a half-close) waits in `pending`, so the
      // first message's data goes out before it
      socket = s;
      s.on('error', () => s.destroy());
      s.on('drain', () => call.resume());
      s.on('data', (d: Buffer) => {
        if (!call.write({ data: d })) s.pause();
      });
      call.on('drain', () => s.resume());
      s.on('end', () => {
        if (!ac.signal.aborted) call.end();
      });
      s.on('close', () => {
        if (!ac.signal.aborted && !call.writableEnded) call.end();
      });
      toPod(first);
      for (const m of pending.splice(0)) toPod(m);
      if (clientEnded) s.end();
    };
    call.on('data', (m: PodPortForwardRequest) => {
      if (!started) {
        started = true;
        open(m).catch((e: unknown) => {
          if (!ac.signal.aborted) failCall(call, e);
        });
      } else if (socket) toPod(m);
      else pending.push(m);
    });
    call.on('end', () => {
      clientEnded = true;
      socket?.end();
    });
  };
}
