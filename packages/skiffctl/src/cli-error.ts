// Errors of the client itself (bad flags, bad manifests, unknown resource types): printed as
// `error: <message>`, exit code 1. Errors from the server are ApiErrors (see format-error.ts).

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** Usage errors (wrong flags or arguments): printed with a hint to --help. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
