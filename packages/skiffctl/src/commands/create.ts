// skiffctl create -f: creates every object; AlreadyExists for those present. With --save-config the
// last-applied annotation is recorded, so a later apply computes its patch from it.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import type { Io } from '../io.js';
import { out, printError, printWarnings } from '../io-lines.js';
import { appliedConfiguration, withLastApplied } from '../last-applied.js';
import { loadManifestObjects, type ManifestObject } from '../manifest-objects.js';
import { objectRef } from '../resources.js';
import { allPassServerChecks, dryRunSuffix, type DryRun } from './apply.js';

export interface CreateArgs {
  filenames: string[];
  recursive?: boolean;
  namespace?: string;
  defaultNamespace: string;
  saveConfig?: boolean;
  dryRun?: DryRun;
  output?: string;
}

export async function create(client: Client, args: CreateArgs, io: Io): Promise<number> {
  const objects = await loadManifestObjects(
    args.filenames,
    { recursive: !!args.recursive, stdin: io.stdin },
    { ...(args.namespace ? { flag: args.namespace } : {}), fallback: args.defaultNamespace },
    { allowGenerateName: true },
  );
  const prepare = (m: ManifestObject): KObject => (args.saveConfig ? withLastApplied(appliedConfiguration(m.object)) : m.object);
  if ((args.dryRun ?? 'none') === 'none' && objects.length > 1 && !(await allPassServerChecks(objects, io, 'creating', (m) => client.createWithWarnings(prepare(m), { dryRun: true })))) return 1;
  let failed = false;
  for (const m of objects) {
    try {
      const obj = args.saveConfig ? withLastApplied(appliedConfiguration(m.object)) : m.object;
      let name = m.name;
      if (args.dryRun !== 'client') {
        const r = await client.createWithWarnings(obj, args.dryRun === 'server' ? { dryRun: true } : {});
        printWarnings(io, r.warnings);
        name = r.object.metadata.name ?? name;
      }
      const ref = objectRef(m.type, name || `${String(m.object.metadata.generateName ?? '')}<generated>`);
      out(io, args.output === 'name' ? ref : `${ref} created${dryRunSuffix(args.dryRun)}`);
    } catch (e) {
      failed = true;
      printError(io, e, { action: `error when creating "${m.doc.source}": ` });
    }
  }
  return failed ? 1 : 0;
}
