// The agent's gRPC server (the kubelet's port 10250): skiff.v1.NodeAgent on the node's IP, for the
// apiserver only (the shared token, auth.ts). Logs, exec and port-forward of this node's pods, and
// the node's usage. It stops with the agent's signal; open streams are cut after 2 s.
import * as grpc from '@grpc/grpc-js';
import { NODE_AGENT_SERVICE, serviceDefinition, type Logger, type NodeStatsResponse, type PodLogsRequest, type PodLogsResponse } from '@skiff/machinery';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { tokenInterceptor } from './auth.js';
import { execHandler } from './exec.js';
import { podLogs } from './logs.js';
import { portForwardHandler } from './port-forward.js';
import { nodeStats } from './stats.js';
import { failCall, statusOf } from './status.js';
import { callSignal, writeMessage } from './write.js';

export const DEFAULT_SERVER_PORT = 10250;

export interface AgentServerConfig {
  /** the address to listen on (the node's IP) */
  host: string;
  /** 0: any free port */
  port: number;
  /** the token every caller must present */
  token: string;
  nodeName: string;
  runtime: ContainerRuntime;
  log: Logger;
}

export interface AgentServer {
  port: number;
  stopped: Promise<void>;
}

export async function startAgentServer(c: AgentServerConfig, signal: AbortSignal): Promise<AgentServer> {
  const server = new grpc.Server({ interceptors: [tokenInterceptor(c.token, (method, why) => c.log.warn('call refused', { method, why }))] });
  server.addService(serviceDefinition(NODE_AGENT_SERVICE), {
    PodLogs: (call: grpc.ServerWritableStream<PodLogsRequest, PodLogsResponse>) => {
      const ac = callSignal(call);
      (async () => {
        for await (const chunk of podLogs(c.runtime, call.request, ac.signal)) await writeMessage(call, chunk, ac.signal);
        if (!ac.signal.aborted) call.end();
      })().catch((e: unknown) => {
        if (!ac.signal.aborted) failCall(call, e);
      });
    },
    PodExec: execHandler(c.runtime),
    PodPortForward: portForwardHandler(c.runtime),
    NodeStats: (_call: grpc.ServerUnaryCall<unknown, NodeStatsResponse>, cb: grpc.sendUnaryData<NodeStatsResponse>) => {
      nodeStats({ nodeName: c.nodeName, runtime: c.runtime }).then(
        (r) => cb(null, r),
        (e: unknown) => cb(statusOf(e)),
      );
    },
  });
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  const port = await new Promise<number>((resolve, reject) => server.bindAsync(`${host}:${c.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  c.log.info('agent server listening', { address: `${c.host}:${port}` });
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      const t = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, 2000);
      server.tryShutdown(() => {
        clearTimeout(t);
        resolve();
      });
    };
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  return { port, stopped };
}
