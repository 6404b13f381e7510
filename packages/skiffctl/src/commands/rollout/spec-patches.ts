// skiffctl rollout restart, pause and resume: one patch of the Deployment each, refused as kubectl
// refuses them (`deployments.apps "web" is already paused`).
import { type KObject } from '@skiff/api';
import type { Client } from '@skiff/machinery';
import { CliError } from '../../cli-error.js';
import type { Io } from '../../io.js';
import { out, printError } from '../../io-lines.js';
import type { Loose } from '../../printers/column.js';
import { objectRef, pluralRef } from '../../resources.js';
import { selectTargets, type TargetArgs } from '../../targets.js';
import { dryRunSuffix, type DryRun } from '../apply.js';
import { requireDeployment } from './targets.js';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

export interface RolloutPatchArgs extends TargetArgs {
  dryRun?: DryRun;
  now?: () => number;
}

interface Verb {
  /** What kubectl's error says is missing for another kind. */
  missing: string;
  /** The patch, or why there is none. */
  patch(d: KObject, now: number): unknown;
  done: string;
}

/** RFC 3339 at second precision, as Go's time.RFC3339. */
const rfc3339 = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const VERBS: Record<'restart' | 'pause' | 'resume', Verb> = {
  restart: {
    missing: 'restarter',
    patch: (d, now) => {
      if ((d as Loose).spec?.paused) throw new CliError("can't restart paused deployment (run rollout resume first)");
      return { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: rfc3339(now) } } } } };
    },
    done: 'restarted',
  },
  pause: {
    missing: 'pauser',
    patch: (d) => {
      if ((d as Loose).spec?.paused) throw new CliError('is already paused');
      return { spec: { paused: true } };
    },
    done: 'paused',
  },
  resume: {
    missing: 'resumer',
    patch: (d) => {
      if (!(d as Loose).spec?.paused) throw new CliError('is not paused');
      return { spec: { paused: false } };
    },
    done: 'resumed',
  },
};

export function rolloutPatchCommand(verb: keyof typeof VERBS) {
  const v = VERBS[verb];
  return async (client: Client, args: RolloutPatchArgs, io: Io): Promise<number> => {
    const targets = await selectTargets(client, args, `rollout ${verb}`);
    let failed = false;
    for (const t of targets) {
      try {
        requireDeployment(t, v.missing);
        const d = await client.get<KObject>('deployments', t.namespace, t.name);
        let patch: unknown;
        try {
          patch = v.patch(d, (args.now ?? Date.now)());
        } catch (e) {
          if (e instanceof CliError) throw new CliError(`${pluralRef(t.type)} "${t.name}" ${e.message}`);
          throw e;
        }
        if (args.dryRun !== 'client') {
          await client.patch('deployments', t.namespace, t.name, patch, {
            patchType: 'application/strategic-merge-patch+json',
            ...(args.dryRun === 'server' ? { dryRun: true } : {}),
          });
        }
        out(io, `${objectRef(t.type, t.name)} ${v.done}${dryRunSuffix(args.dryRun)}`);
      } catch (e) {
        failed = true;
        printError(io, e);
      }
    }
    return failed ? 1 : 0;
  };
}
