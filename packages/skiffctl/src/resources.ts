// Resource type names as the user types them and as kubectl prints them.
import { lookupResource, resourceByKind, type KObject, type ResourceType } from '@skiff/api';
import { CliError } from './cli-error.js';

/** The type for a name the user typed ("po", "deployments.apps", "Service"), or a CliError. */
export function resolveType(name: string): ResourceType {
  const t = lookupResource(name);
  if (!t) throw new CliError(`the server doesn't have a resource type "${name}"`);
  return t;
}

/** The type of an object, from its kind (an object from the server always has one). */
export function typeOfObject(obj: KObject): ResourceType {
  const t = resourceByKind(obj.kind);
  if (!t) throw new CliError(`no resource type for kind "${obj.kind}"`);
  return t;
}

/** `deployment.apps`, `pod`: what kubectl prints before `/name`. */
export function singularRef(t: ResourceType): string {
  return t.group ? `${t.singular}.${t.group}` : t.singular;
}

/** `deployments.apps`, `pods`: how kubectl names the resource in messages. */
export function pluralRef(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

/** `deployment.apps/my-app`: the output of `-o name` and the subject of `created`/`configured`. */
export function objectRef(t: ResourceType, name: string): string {
  return `${singularRef(t)}/${name}`;
}

/**
 * The namespace an object goes to: its own, else -n, else the default; a conflict between the
 * manifest and -n is an error, as in kubectl. Cluster-scoped types have none ("").
 */
export function targetNamespace(t: ResourceType, own: string | undefined, flag: string | undefined, fallback: string): string {
  if (!t.namespaced) return '';
  if (own && flag && own !== flag) {
    throw new CliError(
      `the namespace from the provided object "${own}" does not match the namespace "${flag}". You must pass '--namespace=${own}' to perform this operation.`,
    );
  }
  return own || flag || fallback;
}
