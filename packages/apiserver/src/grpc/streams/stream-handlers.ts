// skiff.v1.Resources' streaming verbs on pods and the usage calls: each checks the caller (the
// authentication interceptor already ran), resolves the pod and its node from the registry, then
// relays the call to the node's agent (relay.ts) or gathers the agents' NodeStats (top.ts). One
// request log line per call, when it ends, naming the user.
import * as grpc from '@grpc/grpc-js';
import { ApiError } from '@skiff/api';
import { fromGrpcError, isUndecodable, toGrpcStatus, type Logger, type PodContainer, type PodExecRequest, type PodLogsRequest, type PodPortForwardRequest, type StreamClient } from '@skiff/machinery';
import type { Registry } from '../../registry/registry.js';
import type { Metrics } from '../../metrics.js';
import type { Authentication } from '../auth.js';
import type { RequestContext } from '../user-info.js';
import type { NodeAgents } from './node-agents.js';
import { resolveTarget } from './pod-target.js';
import { failServerCall, relayDown, UpQueue } from './relay.js';
import { topNodes, topPods } from './top.js';

export interface StreamDeps {
  registry: Registry;
  agents: NodeAgents;
  log: Logger;
  metrics: Metrics;
  auth: Authentication;
}

function requestLogger(d: StreamDeps, method: string, ctx: RequestContext): (code: string) => void {
  const started = process.hrtime.bigint();
  let logged = false;
  return (code) => {
    if (logged) return;
    logged = true;
    d.metrics.requests.inc({ method, code });
    d.metrics.latency.observe({ method }, Number(process.hrtime.bigint() - started) / 1e9);
    if (d.log.isLevelEnabled('http')) d.log.http('request', { method, user: ctx.user.name, groups: ctx.user.groups.join(','), code, latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3 });
  };
}

function codeOf(e: unknown): string {
  return e instanceof ApiError ? e.code : typeof (e as { code?: unknown })?.code === 'string' ? String((e as { code: string }).code) : 'INTERNAL';
}

/** A bidirectional relay whose first message names the target; `rewrite` puts the resolved target in. */
interface DuplexVerb<T> {
  method: string;
  open: (client: StreamClient) => grpc.ClientDuplexStream<T, unknown>;
  /** the target of the first message; undefined when it names none */
  targetOf: (first: T) => PodContainer | null | undefined;
  /** the first message with the resolved target (pod uid, defaulted container) */
  rewrite: (first: T, target: Required<PodContainer>) => T;
  needContainer: boolean;
}

function duplexRelay<T>(d: StreamDeps, v: DuplexVerb<T>) {
  const { method, open, targetOf, rewrite, needContainer } = v;
  return (call: grpc.ServerDuplexStream<T, unknown>): void => {
    const done = requestLogger(d, method, d.auth.contextOf(call));
    const queue = new UpQueue<T>(call);
    (async () => {
      const first = await queue.first();
      if (isUndecodable(first)) throw first.undecodable;
      const t = targetOf(first);
      if (!t) throw new ApiError('INVALID_ARGUMENT', `the first message of ${method} must name the target`, { reason: 'BadRequest' });
      const { node, target } = await resolveTarget(d.registry, t, needContainer);
      if (call.cancelled) return;
      const up = open(d.agents.client(node));
      relayDown(up, call as unknown as grpc.ServerDuplexStream<unknown, unknown>, done);
      queue.open(up, rewrite(first, target));
    })().catch((e: unknown) => {
      done(codeOf(e));
      if (!call.cancelled) failServerCall(call, e);
    });
  };
}

export function streamHandlers(d: StreamDeps): grpc.UntypedServiceImplementation {
  return {
    PodLogs: (call: grpc.ServerWritableStream<PodLogsRequest, unknown>) => {
      const done = requestLogger(d, 'PodLogs', d.auth.contextOf(call));
      const req = call.request;
      (async () => {
        if (isUndecodable(req)) throw req.undecodable;
        const { node, target } = await resolveTarget(d.registry, req.target);
        if (call.cancelled) return;
        relayDown(d.agents.client(node).logs({ ...req, target }), call, done);
      })().catch((e: unknown) => {
        done(codeOf(e));
        if (!call.cancelled) failServerCall(call, e);
      });
    },
    PodExec: duplexRelay<PodExecRequest>(d, {
      method: 'PodExec',
      open: (c) => c.exec() as grpc.ClientDuplexStream<PodExecRequest, unknown>,
      targetOf: (m) => (m.start ? m.start.target ?? {} : undefined),
      rewrite: (m, target) => ({ ...m, start: { ...m.start!, target } }),
      needContainer: true,
    }),
    PodPortForward: duplexRelay<PodPortForwardRequest>(d, {
      method: 'PodPortForward',
      open: (c) => c.portForward() as grpc.ClientDuplexStream<PodPortForwardRequest, unknown>,
      targetOf: (m) => m.target,
      rewrite: (m, target) => ({ ...m, target }),
      needContainer: false,
    }),
    TopPods: unaryCall(d, 'TopPods', (req) => topPods(d.registry, d.agents, req)),
    TopNodes: unaryCall(d, 'TopNodes', (req) => topNodes(d.registry, d.agents, req)),
  };
}

function unaryCall(d: StreamDeps, method: string, fn: (req: any) => Promise<{ response: unknown; warnings: string[] }>) {
  return (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>): void => {
    const done = requestLogger(d, method, d.auth.contextOf(call));
    const req = call.request;
    (async () => {
      if (isUndecodable(req)) throw req.undecodable;
      return fn(req);
    })().then(
      ({ response, warnings }) => {
        if (warnings.length) {
          const md = new grpc.Metadata();
          for (const w of warnings) md.add('warning', w.replace(/[\r\n]/g, ' '));
          call.sendMetadata(md);
        }
        done('OK');
        cb(null, response);
      },
      (e: unknown) => {
        done(codeOf(e));
        cb(toGrpcStatus(fromGrpcError(e)));
      },
    );
  };
}
