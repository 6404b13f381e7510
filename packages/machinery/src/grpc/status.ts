// The one place where ApiErrors become gRPC statuses and back. The status carries a google.rpc.Status
// (ErrorInfo with the reason, BadRequest with every field violation) in `grpc-status-details-bin`.
import { ApiError, clip, grpcCode, protoType, type Code, type FieldError, type FieldErrorType, type Reason } from '@skiff/api';
import * as grpc from '@grpc/grpc-js';

const codeByNumber = new Map<number, Code>(Object.entries(grpcCode).map(([k, v]) => [v, k as Code]));
const DETAILS = 'grpc-status-details-bin';
const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo';
const BAD_REQUEST = 'type.googleapis.com/google.rpc.BadRequest';

export interface GrpcStatus {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

/** Any thrown value to the status sent to the client. Non-ApiErrors are INTERNAL. */
/** Trailers must stay small (HTTP/2 header limits): messages and violation lists are capped. */
const MAX_MESSAGE = 4096;
const MAX_VIOLATIONS = 50;

export function toGrpcStatus(err: unknown): GrpcStatus {
  const e0 = err instanceof ApiError ? err : new ApiError('INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`);
  const e = new ApiError(e0.code, clip(e0.message, MAX_MESSAGE), {
    reason: e0.reason,
    fields: e0.fields.slice(0, MAX_VIOLATIONS).map((f) => ({ ...f, field: clip(f.field, 200), detail: clip(f.detail, 500) })),
    metadata: Object.fromEntries(Object.entries(e0.metadata).map(([k, v]) => [clip(k), clip(v)])),
  });
  const status = protoType('google.rpc.Status');
  const errorInfo = protoType('google.rpc.ErrorInfo');
  const badRequest = protoType('google.rpc.BadRequest');
  const details = [
    {
      type_url: ERROR_INFO,
      value: errorInfo.encode(errorInfo.fromObject({ reason: e.reason, domain: 'skiff.dev', metadata: e.metadata })).finish(),
    },
  ];
  if (e.fields.length > 0) {
    details.push({
      type_url: BAD_REQUEST,
      value: badRequest
        .encode(
          badRequest.fromObject({
            field_violations: e.fields.map((f) => ({ field: f.field, description: `${f.type}: ${f.detail}` })),
          }),
        )
        .finish(),
    });
  }
  const md = new grpc.Metadata();
  const bytes = status.encode(status.fromObject({ code: grpcCode[e.code], message: e.message, details })).finish();
  md.set(DETAILS, Buffer.from(bytes));
  return { code: grpcCode[e.code] as grpc.status, details: e.message, metadata: md };
}

/** A gRPC error from a call to the ApiError it carries. */
export function fromGrpcError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const se = err as Partial<grpc.ServiceError>;
  if (typeof se?.code !== 'number') return new ApiError('INTERNAL', String((err as Error)?.message ?? err), { cause: err });
  const code = codeByNumber.get(se.code) ?? 'INTERNAL';
  let reason: Reason | undefined;
  let metadata: Record<string, string> = {};
  const fields: FieldError[] = [];
  const raw = se.metadata?.get(DETAILS)?.[0];
  if (raw instanceof Buffer) {
    try {
      const st = protoType('google.rpc.Status').toObject(protoType('google.rpc.Status').decode(raw)) as {
        details?: { type_url: string; value: Uint8Array }[];
      };
      for (const d of st.details ?? []) {
        if (d.type_url === ERROR_INFO) {
          const info = protoType('google.rpc.ErrorInfo').toObject(protoType('google.rpc.ErrorInfo').decode(d.value)) as {
            reason?: string;
            metadata?: Record<string, string>;
          };
          reason = info.reason as Reason;
          metadata = info.metadata ?? {};
        } else if (d.type_url === BAD_REQUEST) {
          const br = protoType('google.rpc.BadRequest').toObject(protoType('google.rpc.BadRequest').decode(d.value)) as {
            field_violations?: { field: string; description: string }[];
          };
          for (const v of br.field_violations ?? []) {
            const m = /^(\w+): (.*)$/s.exec(v.description);
            fields.push({ field: v.field, type: (m?.[1] as FieldErrorType) ?? 'Invalid', detail: m?.[2] ?? v.description });
          }
        }
      }
    } catch {
      // A peer that sent unreadable details: keep code and message.
    }
  }
  return new ApiError(code, se.details || se.message || 'unknown error', { ...(reason ? { reason } : {}), fields, metadata, cause: err });
}
