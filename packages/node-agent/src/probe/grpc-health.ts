// The kubelet's gRPC prober: grpc.health.v1.Health/Check with the probe's service name against
// host:port, plaintext, within the probe's timeout (the connection waits for the server until the
// deadline, as Go's blocking dial does). SERVING is success; every other outcome is a failure with
// the kubelet's output ("service unhealthy (responded with \"NOT_SERVING\")", "timeout: failed to
// connect service ...", "error: this server does not implement the grpc health protocol ...").
// The health service's definition is loaded on the first gRPC probe, so agents without one never
// load it.
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { formatGoDuration } from '../go-duration.js';

export interface GrpcHealthOutcome {
  ok: boolean;
  output: string;
}

interface HealthClient extends grpc.Client {
  Check(request: { service: string }, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, response?: { status?: string }) => void): grpc.ClientUnaryCall;
}

type HealthClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => HealthClient;

let healthClient: Promise<HealthClientConstructor> | undefined;

function healthClientConstructor(): Promise<HealthClientConstructor> {
  healthClient ??= import('grpc-health-check').then(
    (m) => grpc.makeClientConstructor(m.service as unknown as grpc.ServiceDefinition, 'grpc.health.v1.Health') as unknown as HealthClientConstructor,
  );
  return healthClient;
}

/** host:port, with brackets around an IPv6 host (Go's net.JoinHostPort) */
export function joinHostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** gRPC status codes by Go's names (codes.Code's String) */
const CODE_NAMES = ['OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists', 'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange', 'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated'];

export async function grpcHealthCheck(host: string, port: number, service: string, timeoutMs: number, userAgent: string): Promise<GrpcHealthOutcome> {
  const addr = joinHostPort(host, port);
  const within = formatGoDuration(timeoutMs);
  const Client = await healthClientConstructor();
  const client = new Client(addr, grpc.credentials.createInsecure(), { 'grpc.primary_user_agent': userAgent });
  const deadline = Date.now() + timeoutMs;
  try {
    const notConnected = await new Promise<Error | undefined>((resolve) => client.waitForReady(deadline, (err) => resolve(err)));
    if (notConnected) return { ok: false, output: `timeout: failed to connect service ${JSON.stringify(addr)} within ${within}: context deadline exceeded` };
    const { err, response } = await new Promise<{ err: grpc.ServiceError | null; response?: { status?: string } }>((resolve) =>
      client.Check({ service }, { deadline }, (e, r) => resolve({ err: e, ...(r ? { response: r } : {}) })),
    );
    if (err) {
      if (err.code === grpc.status.UNIMPLEMENTED) return { ok: false, output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.details}` };
      if (err.code === grpc.status.DEADLINE_EXCEEDED) return { ok: false, output: `timeout: health rpc did not complete within ${within}` };
      return { ok: false, output: `error: health rpc probe failed: rpc error: code = ${CODE_NAMES[err.code] ?? `Code(${err.code})`} desc = ${err.details}` };
    }
    const status = response?.status ?? 'UNKNOWN';
    if (status !== 'SERVING') return { ok: false, output: `service unhealthy (responded with ${JSON.stringify(status)})` };
    return { ok: true, output: 'service healthy' };
  } finally {
    client.close();
  }
}
