// The Deployments a rollout subcommand acts on; kubectl's rollout knows Deployments, DaemonSets and
// StatefulSets, Skiff has Deployments.
import { CliError } from '../../cli-error.js';
import type { Target } from '../../targets.js';

/** `what` names kubectl's missing piece: "status viewer", "history viewer", "rollbacker". */
export function requireDeployment(t: Target, what: string): void {
  if (t.type.resource !== 'deployments') throw new CliError(`no ${what} has been implemented for ${t.type.kind}`);
}
