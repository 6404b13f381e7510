// From manifest documents to checked objects ready to send: kind known, structure valid (unknown
// fields and wrong types with their path, via the same check the client runs before sending),
// name present, namespace resolved. All documents are checked before anything is sent.
import { checkStructure, resourceByKind, type KObject, type ResourceType } from '@skiff/api';
import { CliError } from './cli-error.js';
import { formatClientFieldError } from './format-error.js';
import type { ManifestDoc } from './manifest.js';
import { readManifests } from './manifest.js';
import { targetNamespace } from './resources.js';

export interface ManifestObject {
  doc: ManifestDoc;
  type: ResourceType;
  /** "" for cluster-scoped types. */
  namespace: string;
  /** "" when only generateName is set (create). */
  name: string;
  /** The manifest with metadata.namespace set (namespaced types). */
  object: KObject;
}

export interface NamespaceChoice {
  /** -n, when given. */
  flag?: string;
  /** The config's namespace, else "default". */
  fallback: string;
}

export interface CheckOptions {
  /** create accepts metadata.generateName in place of a name. */
  allowGenerateName?: boolean;
  /** get -f and delete -f only need kind, name and namespace: no structure check. */
  structure?: boolean;
}

/** Checks one document; returns the object or every problem found, each a full message line. */
export function checkDoc(doc: ManifestDoc, ns: NamespaceChoice, opts: CheckOptions = {}): ManifestObject | string[] {
  const o = doc.object;
  const at = `${doc.source}:${doc.line}`;
  const meta = (o.metadata ?? {}) as Record<string, unknown>;
  const name = typeof meta.name === 'string' ? meta.name : '';
  if (typeof o.apiVersion !== 'string' || o.apiVersion === '') return [`${at}: apiVersion not set`];
  if (typeof o.kind !== 'string' || o.kind === '') return [`${at}: kind not set`];
  const type = resourceByKind(o.kind);
  if (!type) return [`${at}: ${name ? `"${name}": ` : ''}no matches for kind "${o.kind}" in version "${o.apiVersion}"`];
  const subject = `${doc.source}: ${o.kind} "${name}"`;
  if (opts.structure !== false) {
    const errs = checkStructure(type.protoType, o);
    if (errs.length > 0) return errs.map((e) => `${subject}: ${formatClientFieldError(e)}`);
  }
  if (typeof o.metadata !== 'object' || o.metadata === null) return [`${at}: ${o.kind}: metadata.name: Required value`];
  if (!name && !(opts.allowGenerateName && typeof meta.generateName === 'string' && meta.generateName)) {
    return [`${at}: ${o.kind}: metadata.name: Required value: name${opts.allowGenerateName ? ' or generateName' : ''} is required`];
  }
  let namespace: string;
  try {
    namespace = targetNamespace(type, typeof meta.namespace === 'string' ? meta.namespace : undefined, ns.flag, ns.fallback);
  } catch (e) {
    return [`${subject}: ${(e as Error).message}`];
  }
  const object = structuredClone(o) as KObject;
  if (type.namespaced) object.metadata.namespace = namespace;
  return { doc, type, namespace, name, object };
}

/** Reads and checks every document of every source; throws one CliError listing all problems. */
export async function loadManifestObjects(
  sources: readonly string[],
  read: { recursive?: boolean; stdin?: AsyncIterable<string | Buffer> },
  ns: NamespaceChoice,
  opts: CheckOptions = {},
): Promise<ManifestObject[]> {
  if (sources.length === 0) throw new CliError('must specify one of -f');
  const { docs, errors } = await readManifests(sources, read);
  const out: ManifestObject[] = [];
  for (const d of docs) {
    const r = checkDoc(d, ns, opts);
    if (Array.isArray(r)) errors.push(...r);
    else out.push(r);
  }
  if (errors.length > 0) throw new ManifestErrors(errors);
  if (out.length === 0) throw new CliError('no objects passed');
  return out;
}

/** Several problems at once: each printed on its own `error:` line. */
export class ManifestErrors extends CliError {
  constructor(readonly problems: string[]) {
    super(problems.join('\nerror: '));
    this.name = 'ManifestErrors';
  }
}
