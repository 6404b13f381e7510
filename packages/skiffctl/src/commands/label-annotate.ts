// skiffctl label and annotate: `key=value` sets, `key-` removes; changing an existing value needs
// --overwrite. One merge patch of metadata.labels / metadata.annotations per object, computed from
// the object as read, with kubectl's messages and outcomes (labeled, unlabeled, not labeled).
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError, UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { out, printError } from '../io-lines.js';
import { objectRef } from '../resources.js';
import { selectTargets, type TargetArgs } from '../targets.js';
import { dryRunSuffix, type DryRun } from './apply.js';

export interface MetadataEditArgs extends Omit<TargetArgs, 'resources'> {
  /** Resource arguments, then `key=value` and `key-` changes. */
  args: string[];
  overwrite?: boolean;
  dryRun?: DryRun;
  output?: string;
}

interface Flavour {
  field: 'labels' | 'annotations';
  noun: string;
  /** The outcome printed after the object reference. */
  outcome(changed: boolean, onlyRemovals: boolean): string;
  /** The message for values that --overwrite would change. */
  overwriteError(existing: [string, string][]): string;
  /** Printed for `key-` when the key is absent (kubectl says so only for labels). */
  notFound?: (key: string) => string;
}

const LABEL: Flavour = {
  field: 'labels',
  noun: 'label',
  outcome: (changed, onlyRemovals) => (!changed ? 'not labeled' : onlyRemovals ? 'unlabeled' : 'labeled'),
  overwriteError: (existing) => existing.map(([k, v]) => `'${k}' already has a value (${v}), and --overwrite is false`).join('\n'),
  notFound: (key) => `label "${key}" not found.`,
};

const ANNOTATION: Flavour = {
  field: 'annotations',
  noun: 'annotation',
  outcome: () => 'annotated',
  overwriteError: (existing) => `--overwrite is false but found the following declared annotation(s): ${existing.map(([k, v]) => `'${k}' already has a value (${v})`).join('; ')}`,
};

export interface MetadataChanges {
  resources: string[];
  set: Map<string, string>;
  remove: string[];
}

/** Splits the arguments into resources and changes (arguments with `=` or ending in `-`). */
export function splitChanges(args: readonly string[], noun: string): MetadataChanges {
  const out: MetadataChanges = { resources: [], set: new Map(), remove: [] };
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) out.set.set(a.slice(0, eq), a.slice(eq + 1));
    else if (a.endsWith('-') && a.length > 1) out.remove.push(a.slice(0, -1));
    else if (eq === 0) throw new UsageError(`invalid ${noun} spec: ${a}`);
    else out.resources.push(a);
  }
  if (out.set.size === 0 && out.remove.length === 0) throw new UsageError(`at least one ${noun} update is required`);
  const both = out.remove.filter((k) => out.set.has(k));
  if (both.length > 0) throw new UsageError(`can not both modify and remove the following ${noun}(s) in the same command: ${both.join(', ')}`);
  return out;
}

/** The merge patch for one object's map, or an error for values --overwrite would be needed for. */
export function metadataPatch(current: Record<string, string> | undefined, changes: MetadataChanges, overwrite: boolean, flavour: Flavour): { patch: Record<string, string | null>; changed: boolean; missing: string[] } {
  const cur = current ?? {};
  const existing = [...changes.set].filter(([k, v]) => k in cur && cur[k] !== v).map(([k]) => [k, cur[k]!] as [string, string]);
  if (existing.length > 0 && !overwrite) throw new CliError(flavour.overwriteError(existing));
  const patch: Record<string, string | null> = {};
  for (const [k, v] of changes.set) if (cur[k] !== v) patch[k] = v;
  const missing: string[] = [];
  for (const k of changes.remove) {
    if (k in cur) patch[k] = null;
    else missing.push(k);
  }
  return { patch, changed: Object.keys(patch).length > 0, missing };
}

function command(flavour: Flavour) {
  return async (client: Client, args: MetadataEditArgs, io: Io): Promise<number> => {
    const changes = splitChanges(args.args, flavour.noun);
    const targets = await selectTargets(client, { ...args, resources: changes.resources }, flavour.noun);
    let failed = false;
    for (const t of targets) {
      try {
        const obj = t.object ?? (await client.get<KObject>(t.type.resource, t.namespace, t.name));
        const { patch, changed, missing } = metadataPatch(obj.metadata[flavour.field], changes, !!args.overwrite, flavour);
        if (flavour.notFound) for (const k of missing) out(io, flavour.notFound(k));
        if (changed && args.dryRun !== 'client') {
          await client.patch(t.type.resource, t.namespace, t.name, { metadata: { [flavour.field]: patch } }, args.dryRun === 'server' ? { dryRun: true } : {});
        }
        const onlyRemovals = Object.values(patch).every((v) => v === null);
        const ref = objectRef(t.type, t.name);
        out(io, args.output === 'name' ? ref : `${ref} ${flavour.outcome(changed, onlyRemovals)}${dryRunSuffix(args.dryRun)}`);
      } catch (e) {
        failed = true;
        printError(io, e);
      }
    }
    return failed ? 1 : 0;
  };
}

export const label = command(LABEL);
export const annotate = command(ANNOTATION);
