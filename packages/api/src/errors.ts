// The one typed error hierarchy of Skiff. Expected outcomes are values; failures are ApiErrors,
// converted to a gRPC status in exactly one place (machinery's grpc-status.ts) and back on the client.

/** gRPC status codes used by the API, by name (numbers in `grpcCode`). */
export type Code =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'ABORTED'
  | 'FAILED_PRECONDITION'
  | 'OUT_OF_RANGE'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'CANCELLED'
  | 'INTERNAL';

export const grpcCode: Record<Code, number> = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
};

/** Kubernetes status reasons. */
export type Reason =
  | 'Invalid'
  | 'BadRequest'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NamespaceTerminating'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'InternalError';

/** Kinds of field errors, as Kubernetes' field.ErrorType. */
export type FieldErrorType = 'Required' | 'Invalid' | 'NotSupported' | 'Duplicate' | 'TooLong' | 'Forbidden' | 'TooMany' | 'Unknown';

export interface FieldError {
  /** Path in Kubernetes notation: `spec.template.spec.containers[0].image`, `metadata.labels[app]`. */
  field: string;
  type: FieldErrorType;
  /** What is wrong, for a human: `must be no more than 63 characters`. */
  detail: string;
  /** The offending value, when it helps (short). */
  value?: unknown;
}

export function fieldError(field: string, type: FieldErrorType, detail: string, value?: unknown): FieldError {
  return value === undefined ? { field, type, detail } : { field, type, detail, value };
}

/** `spec.replicas: Invalid value: -1: must be greater than or equal to 0` */
export function formatFieldError(e: FieldError): string {
  const what: Record<FieldErrorType, string> = {
    Required: 'Required value',
    Invalid: 'Invalid value',
    NotSupported: 'Unsupported value',
    Duplicate: 'Duplicate value',
    TooLong: 'Too long',
    Forbidden: 'Forbidden',
    TooMany: 'Too many',
    Unknown: 'unknown field',
  };
  const v = e.value === undefined ? '' : `: ${short(e.value)}`;
  return `${clip(e.field, 200)}: ${what[e.type]}${v}: ${clip(e.detail, 500)}`;
}

function short(v: unknown): string {
  const s = typeof v === 'string' && v.length > 80 ? JSON.stringify(v.slice(0, 80)) : (JSON.stringify(v) ?? String(v));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export interface ApiErrorOptions {
  reason?: Reason;
  fields?: FieldError[];
  /** Extra machine-readable details (kind, name, ...). */
  metadata?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends Error {
  readonly code: Code;
  readonly reason: Reason;
  readonly fields: FieldError[];
  readonly metadata: Record<string, string>;

  constructor(code: Code, message: string, opts: ApiErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ApiError';
    this.code = code;
    this.reason = opts.reason ?? defaultReason[code];
    this.fields = opts.fields ?? [];
    this.metadata = opts.metadata ?? {};
  }
}

const defaultReason: Record<Code, Reason> = {
  INVALID_ARGUMENT: 'Invalid',
  NOT_FOUND: 'NotFound',
  ALREADY_EXISTS: 'AlreadyExists',
  ABORTED: 'Conflict',
  FAILED_PRECONDITION: 'Conflict',
  OUT_OF_RANGE: 'Expired',
  RESOURCE_EXHAUSTED: 'RequestEntityTooLarge',
  UNAUTHENTICATED: 'Unauthorized',
  PERMISSION_DENIED: 'Forbidden',
  UNAVAILABLE: 'ServiceUnavailable',
  DEADLINE_EXCEEDED: 'Timeout',
  CANCELLED: 'Timeout',
  INTERNAL: 'InternalError',
};

/**
 * A caller's string, cut to a length fit for an error message: errors travel in HTTP/2 trailers,
 * and echoing a megabyte-long name back would break the connection.
 */
export function clip(s: string, max = 100): string {
  const str = String(s);
  return str.length > max ? `${str.slice(0, max)}...(${str.length} characters)` : str;
}

/** An object failed validation: INVALID_ARGUMENT listing every violation. */
export function invalid(kind: string, name: string, fields: FieldError[]): ApiError {
  const list = fields.map(formatFieldError).join('; ');
  return new ApiError('INVALID_ARGUMENT', `${clip(kind)} "${clip(name)}" is invalid: ${list}`, { reason: 'Invalid', fields, metadata: { kind: clip(kind), name: clip(name) } });
}

export function notFound(resource: string, name: string): ApiError {
  return new ApiError('NOT_FOUND', `${clip(resource)} "${clip(name)}" not found`, { metadata: { resource: clip(resource), name: clip(name) } });
}

export function alreadyExists(resource: string, name: string): ApiError {
  return new ApiError('ALREADY_EXISTS', `${clip(resource)} "${clip(name)}" already exists`, { metadata: { resource: clip(resource), name: clip(name) } });
}

/** The request is refused by a rule of the API (Kubernetes' NewForbidden): PERMISSION_DENIED, reason Forbidden. */
export function forbidden(resource: string, name: string, why: string): ApiError {
  return new ApiError('PERMISSION_DENIED', `${clip(resource)} "${clip(name)}" is forbidden: ${why}`, {
    reason: 'Forbidden',
    metadata: { resource: clip(resource), name: clip(name) },
  });
}

export function conflict(resource: string, name: string, why: string): ApiError {
  return new ApiError('ABORTED', `Operation cannot be fulfilled on ${clip(resource)} "${clip(name)}": ${why}`, {
    reason: 'Conflict',
    metadata: { resource: clip(resource), name: clip(name) },
  });
}

/**
 * OUT_OF_RANGE (410 Gone): a resourceVersion or continue token older than the server still has.
 * `newest`, when known, is the newest resourceVersion (ErrorInfo metadata `resourceVersion`, as
 * Kubernetes' Status carries it in its ListMeta).
 */
export function expired(message: string, newest?: string): ApiError {
  return new ApiError('OUT_OF_RANGE', message, { reason: 'Expired', ...(newest ? { metadata: { resourceVersion: newest } } : {}) });
}

export function isApiError(e: unknown, code?: Code): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}
