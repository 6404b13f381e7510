// The node agent's typed errors. Expected outcomes (a container that exited, an image that is absent)
// are values; these are for calls that could not do what was asked.

export type RuntimeErrorCode =
  /** the sandbox, container or image named does not exist */
  | 'NotFound'
  /** a container of that name exists already */
  | 'AlreadyExists'
  /** the request is wrong for the object's state or shape (e.g. a container of a stopped sandbox) */
  | 'InvalidArgument'
  /** the image could not be pulled */
  | 'ImagePull'
  /** the runtime (dockerd) did not answer or failed */
  | 'Unavailable';

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isRuntimeError(e: unknown, code?: RuntimeErrorCode): e is RuntimeError {
  return e instanceof RuntimeError && (code === undefined || e.code === code);
}

/** A container spec that cannot be turned into a runtime config (the kubelet's CreateContainerConfigError). */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
  constructor(message: string) {
    super(message);
  }
}

/** A command of the pod network (ip, iptables) or its Docker network failed. */
export class PodNetworkError extends Error {
  override readonly name = 'PodNetworkError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The pod's sandbox could not be made (the kubelet's FailedCreatePodSandBox: e.g. a hostPort that
 * something else on the node holds); the pod stays Pending and its sync is retried with back-off.
 */
export class PodSandboxError extends Error {
  override readonly name = 'PodSandboxError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
