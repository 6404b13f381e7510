// skiffctl rollout history: the Deployment's revisions (REVISION, CHANGE-CAUSE) or, with
// --revision, one revision's pod template.
import type { KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError } from '../../cli-error.js';
import { podTemplate } from '../../describe/common.js';
import { DescribeWriter } from '../../describe/writer.js';
import type { Io } from '../../io.js';
import { out, printError } from '../../io-lines.js';
import { objectRef } from '../../resources.js';
import { selectTargets, type TargetArgs } from '../../targets.js';
import { CHANGE_CAUSE_ANNOTATION, deploymentRevisions } from './revisions.js';
import { requireDeployment } from './targets.js';

export interface RolloutHistoryArgs extends TargetArgs {
  /** 0 or unset: every revision. */
  revision?: number;
}

export async function rolloutHistory(client: Client, args: RolloutHistoryArgs, io: Io): Promise<number> {
  const targets = await selectTargets(client, args, 'rollout history');
  let failed = false;
  for (const t of targets) {
    try {
      requireDeployment(t, 'history viewer');
      const d = t.object ?? (await client.get<KObject>('deployments', t.namespace, t.name));
      const revisions = await deploymentRevisions(client, d);
      const ref = objectRef(t.type, t.name);
      if (args.revision) {
        const r = revisions.find((x) => x.revision === args.revision);
        if (!r) throw new CliError(`unable to find the specified revision`);
        const w = new DescribeWriter();
        podTemplate(w, (r.replicaSet as { spec?: { template?: Record<string, unknown> } }).spec?.template);
        io.stdout.write(`${ref} with revision #${r.revision}\n${w.toString()}\n`);
        continue;
      }
      out(io, ref);
      if (revisions.length === 0) {
        out(io, 'No rollout history found.');
        continue;
      }
      // kubectl's tabwriter here pads with two spaces.
      out(io, 'REVISION  CHANGE-CAUSE');
      for (const r of revisions) out(io, `${String(r.revision).padEnd(10)}${r.replicaSet.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] || '<none>'}`);
      out(io, '');
    } catch (e) {
      failed = true;
      printError(io, e);
    }
  }
  return failed ? 1 : 0;
}
