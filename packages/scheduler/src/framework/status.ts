// Results of plugins: a Status value, never an exception, for "does not fit" (Kubernetes'
// framework.Status). Success is the shared SUCCESS constant so that the hot path allocates nothing.

export enum Code {
  Success = 0,
  /** Error: a bug or I/O failure inside a plugin; the pod is retried with backoff. */
  Error = 1,
  /** The node does not fit now; preemption may help. */
  Unschedulable = 2,
  /** The node does not fit and preemption cannot change that. */
  UnschedulableAndUnresolvable = 3,
  /** Permit: wait. */
  Wait = 4,
  /** PreFilter/PreScore: the plugin has nothing to do for this pod; its Filter/Score is skipped. */
  Skip = 5,
}

const codeNames = ['Success', 'Error', 'Unschedulable', 'UnschedulableAndUnresolvable', 'Wait', 'Skip'];

export class Status {
  /** Set by the framework: the plugin that returned this status (for "why rejected"). */
  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    readonly plugin = '',
  ) {}

  static readonly SUCCESS = new Status(Code.Success);
  static readonly SKIP = new Status(Code.Skip);

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }

  static error(err: unknown): Status {
    return new Status(Code.Error, [err instanceof Error ? err.message : String(err)]);
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  /** Unschedulable or UnschedulableAndUnresolvable. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  withPlugin(plugin: string): Status {
    return this.plugin === plugin ? this : new Status(this.code, this.reasons, plugin);
  }

  message(): string {
    return this.reasons.join(', ');
  }

  toString(): string {
    return `${codeNames[this.code]}${this.reasons.length ? `: ${this.message()}` : ''}`;
  }
}

/** A status that should be retried after the plugin returned Error, thrown upward only by the runner. */
export class SchedulingError extends Error {
  constructor(
    message: string,
    readonly plugin: string,
  ) {
    super(`plugin ${plugin}: ${message}`);
    this.name = 'SchedulingError';
  }
}
