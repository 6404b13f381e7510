// skiffctl set image TYPE/NAME CONTAINER=IMAGE...: a strategic merge patch of the pod spec's
// containers (merged by name), as kubectl's set image; `*=IMAGE` sets every container.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError, UsageError } from '../cli-error.js';
import type { Io } from '../io.js';
import { out, printError } from '../io-lines.js';
import type { Loose } from '../printers/column.js';
import { objectRef } from '../resources.js';
import { selectTargets, type TargetArgs } from '../targets.js';
import { dryRunSuffix, type DryRun } from './apply.js';

export interface SetImageArgs extends Omit<TargetArgs, 'resources'> {
  /** Resource arguments, then CONTAINER=IMAGE pairs. */
  args: string[];
  dryRun?: DryRun;
  output?: string;
}

/** Where each kind keeps its pod spec. */
const POD_SPEC_PATH: Record<string, string[]> = {
  pods: ['spec'],
  deployments: ['spec', 'template', 'spec'],
  replicasets: ['spec', 'template', 'spec'],
};

/** Splits `deploy/web app=nginx:1.2` into resource arguments and container images. */
export function splitImageArgs(args: readonly string[]): { resources: string[]; images: Map<string, string> } {
  const resources: string[] = [];
  const images = new Map<string, string>();
  for (const a of args) {
    const i = a.indexOf('=');
    if (i < 0) {
      if (images.size > 0) throw new UsageError('all resources must be specified before image changes: ' + a);
      resources.push(a);
    } else {
      images.set(a.slice(0, i), a.slice(i + 1));
    }
  }
  if (images.size === 0) throw new UsageError('at least one image update is required');
  for (const [c, img] of images) if (!c || !img) throw new UsageError(`invalid image update "${c}=${img}": both the container name and the image are required`);
  return { resources, images };
}

function nest(path: string[], leaf: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((acc, k) => ({ [k]: acc }), leaf as Record<string, unknown>);
}

/** The strategic merge patch for one object: its containers (and init containers) named by the images. */
export function imagePatch(obj: KObject, path: string[], images: ReadonlyMap<string, string>): Record<string, unknown> {
  let podSpec: Loose = obj as Loose;
  for (const k of path) podSpec = podSpec?.[k] ?? {};
  const patch: Loose = {};
  for (const field of ['initContainers', 'containers'] as const) {
    const set = ((podSpec[field] ?? []) as Loose[])
      .filter((c) => images.has(c.name) || images.has('*'))
      .map((c) => ({ name: c.name, image: images.get(c.name) ?? images.get('*') }));
    if (set.length > 0) patch[field] = set;
  }
  const named = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])].map((c: Loose) => c.name);
  for (const c of images.keys()) if (c !== '*' && !named.includes(c)) throw new CliError(`unable to find container named "${c}"`);
  return nest(path, patch);
}

export async function setImage(client: Client, args: SetImageArgs, io: Io): Promise<number> {
  const { resources, images } = splitImageArgs(args.args);
  const targets = await selectTargets(client, { ...args, resources }, 'set image');
  let failed = false;
  for (const t of targets) {
    try {
      const path = POD_SPEC_PATH[t.type.resource];
      if (!path) throw new CliError(`${t.type.kind} has no pod template: set image works on pods, deployments and replicasets`);
      const obj = await client.get<KObject>(t.type.resource, t.namespace, t.name);
      const patch = imagePatch(obj, path, images);
      if (args.dryRun !== 'client') {
        await client.patch(t.type.resource, t.namespace, t.name, patch, {
          patchType: 'application/strategic-merge-patch+json',
          ...(args.dryRun === 'server' ? { dryRun: true } : {}),
        });
      }
      out(io, args.output === 'name' ? objectRef(t.type, t.name) : `${objectRef(t.type, t.name)} image updated${dryRunSuffix(args.dryRun)}`);
    } catch (e) {
      failed = true;
      printError(io, e);
    }
  }
  return failed ? 1 : 0;
}
