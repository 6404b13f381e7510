// A container's environment as the kubelet builds it (makeEnvironmentVariables): the envFrom
// entries first, then `env` in order, where a literal `value` is `$(VAR)`-expanded against what was
// defined before it and the service variables, while values from a source (configMap, secret,
// fieldRef...) are taken as they are; the service variables are added last for names not yet set.
import { expand, mappingFor } from './expansion.js';

export interface ResolvedEnvVar {
  name: string;
  value: string;
  /** true for a literal `value` of the pod spec (expanded); false for one read from a source */
  literal: boolean;
}

export interface EnvInput {
  /** entries from `envFrom`, already resolved and prefixed, in order */
  envFrom?: readonly { name: string; value: string }[];
  /** the container's `env`, in order, values resolved */
  env?: readonly ResolvedEnvVar[];
  /** the service environment variables (`MY_SVC_SERVICE_HOST`...) */
  serviceEnv?: ReadonlyMap<string, string>;
}

export function containerEnvironment(input: EnvInput): { name: string; value: string }[] {
  const defined = new Map<string, string>();
  const serviceEnv = input.serviceEnv ?? new Map<string, string>();
  for (const e of input.envFrom ?? []) defined.set(e.name, e.value);
  for (const e of input.env ?? []) {
    defined.set(e.name, e.literal ? expand(e.value, mappingFor(defined, serviceEnv)) : e.value);
  }
  for (const [k, v] of serviceEnv) if (!defined.has(k)) defined.set(k, v);
  return [...defined].map(([name, value]) => ({ name, value }));
}
