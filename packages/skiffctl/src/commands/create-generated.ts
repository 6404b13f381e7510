// What every `create KIND NAME` generator (configmap, secret generic, deployment) and `expose` do
// with the object they built: create it (or only print it with --dry-run=client), print
// `configmap/x created` or the object with -o yaml|json|name.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { out, printWarnings } from '../io-lines.js';
import { renderStructured } from '../printers/structured.js';
import { objectRef, typeOfObject } from '../resources.js';
import { dryRunSuffix, type DryRun } from './apply.js';

export interface GeneratedArgs {
  dryRun?: DryRun;
  output?: string;
}

/** Creates `obj` and prints the outcome with `verb` ("created", "exposed"). */
export async function createGenerated(client: Client, obj: KObject, args: GeneratedArgs, io: Io, verb = 'created'): Promise<number> {
  const format = args.output ?? '';
  if (format !== '' && format !== 'yaml' && format !== 'json' && format !== 'name') {
    throw new UsageError(`unable to match a printer suitable for the output format "${format}", allowed formats are: json,name,yaml`);
  }
  let created = obj;
  if (args.dryRun !== 'client') {
    const r = await client.createWithWarnings(obj, args.dryRun === 'server' ? { dryRun: true } : {});
    printWarnings(io, r.warnings);
    created = r.object;
  }
  const typed = { ...created, apiVersion: created.apiVersion || obj.apiVersion, kind: created.kind || obj.kind };
  if (format === 'yaml' || format === 'json' || format === 'name') io.stdout.write(renderStructured(format, [typed], true));
  else out(io, `${objectRef(typeOfObject(typed), typed.metadata.name ?? '')} ${verb}${dryRunSuffix(args.dryRun)}`);
  return 0;
}
