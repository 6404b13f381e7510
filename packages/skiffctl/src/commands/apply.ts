// skiffctl apply -f: create or update with client-side apply (three-way merge patch against the
// last applied configuration). See apply-patch.ts for the merge rules.
import { isApiError, type KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { threeWayMergePatch, type JsonObject } from '../apply-patch.js';
import type { Io } from '../io.js';
import { out, printError, printWarnings } from '../io-lines.js';
import { appliedConfiguration, lastApplied, withLastApplied } from '../last-applied.js';
import { loadManifestObjects, type ManifestObject } from '../manifest-objects.js';
import { objectRef } from '../resources.js';

export type DryRun = 'none' | 'client' | 'server';

export interface ApplyArgs {
  filenames: string[];
  recursive?: boolean;
  /** -n */
  namespace?: string;
  defaultNamespace: string;
  dryRun?: DryRun;
  /** "name" prints only `kind.group/name`. */
  output?: string;
}

export async function apply(client: Client, args: ApplyArgs, io: Io): Promise<number> {
  const objects = await loadManifestObjects(
    args.filenames,
    { recursive: !!args.recursive, stdin: io.stdin },
    { ...(args.namespace ? { flag: args.namespace } : {}), fallback: args.defaultNamespace },
  );
  if ((args.dryRun ?? 'none') === 'none' && objects.length > 1 && !(await allPassServerChecks(objects, io, 'applying', (m, q) => applyOne(client, m, 'server', q)))) return 1;
  let failed = false;
  for (const m of objects) {
    try {
      const outcome = await applyOne(client, m, args.dryRun ?? 'none', io);
      const ref = objectRef(m.type, m.name);
      out(io, args.output === 'name' ? ref : `${ref} ${outcome}${dryRunSuffix(args.dryRun)}`);
    } catch (e) {
      failed = true;
      printError(io, e, { action: `error when applying "${m.doc.source}": ` });
    }
  }
  return failed ? 1 : 0;
}

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

/** Applies one checked manifest object. */
export async function applyOne(client: Client, m: ManifestObject, dryRun: DryRun, io: Io): Promise<ApplyOutcome> {
  const applied = appliedConfiguration(m.object);
  const modified = withLastApplied(applied);
  let live: KObject | undefined;
  try {
    live = await client.get(m.type.resource, m.namespace, m.name);
  } catch (e) {
    if (!isApiError(e, 'NOT_FOUND')) throw e;
  }
  if (!live) {
    if (dryRun !== 'client') {
      const r = await client.createWithWarnings(modified, dryRun === 'server' ? { dryRun: true } : {});
      printWarnings(io, r.warnings);
    }
    return 'created';
  }
  const patch = applyPatch(lastApplied(live), modified, live);
  if (Object.keys(patch).length === 0) return 'unchanged';
  // The manifest's apiVersion goes along so that the server can warn about a legacy one.
  if (typeof m.object.apiVersion === 'string') patch.apiVersion = m.object.apiVersion;
  if (dryRun !== 'client') {
    const r = await client.patchWithWarnings(m.type.resource, m.namespace, m.name, patch, dryRun === 'server' ? { dryRun: true } : {});
    printWarnings(io, r.warnings);
  }
  return 'configured';
}

/**
 * The patch apply sends. apiVersion and kind never change through a patch (a Deployment sent as
 * `apiVersion: v1` is still apps/v1 on the server), so they are left out.
 */
export function applyPatch(original: JsonObject | undefined, modified: KObject, live: KObject): JsonObject {
  const patch = threeWayMergePatch(original, modified as JsonObject, live as JsonObject);
  delete patch.apiVersion;
  delete patch.kind;
  return patch;
}

export function dryRunSuffix(d: DryRun | undefined): string {
  if (d === 'client') return ' (dry run)';
  if (d === 'server') return ' (server dry run)';
  return '';
}

/**
 * With several objects, a server-side dry run of every one first: when any of them would fail,
 * report every failure and write nothing. A missing namespace is not held against an object here,
 * since the same input may create that namespace.
 */
export async function allPassServerChecks(
  objects: ManifestObject[],
  io: Io,
  verb: string,
  dryRun: (m: ManifestObject, quiet: Io) => Promise<unknown>,
): Promise<boolean> {
  const quiet: Io = { ...io, stderr: { write: () => true } };
  let ok = true;
  for (const m of objects) {
    try {
      await dryRun(m, quiet);
    } catch (e) {
      if (isApiError(e, 'NOT_FOUND') && e.metadata.resource === 'namespaces') continue;
      ok = false;
      printError(io, e, { action: `error when ${verb} "${m.doc.source}" (nothing was written): ` });
    }
  }
  return ok;
}
