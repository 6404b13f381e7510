// A configuration that cannot be used: every problem with its field path, Kubernetes' notation.
import { formatFieldError, type FieldError } from '@skiff/api';

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly fields: FieldError[],
  ) {
    super(`invalid scheduler configuration ${source}: ${fields.map(formatFieldError).join('; ')}`);
    this.name = 'ConfigError';
  }
}
