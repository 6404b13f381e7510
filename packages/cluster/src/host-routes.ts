// The host's routes to the nodes' pod CIDRs (host-gw, as every node has to the others): with them
// the host reaches every pod by its IP. `up` makes them from the Node objects (spec.podCIDR via the
// InternalIP) and records them; `down` removes what was recorded.
import { commandFailure, runCommand } from '@skiff/machinery/exec';

export interface HostRoute {
  destination: string;
  via: string;
}

/** Makes `want` the routes (replacing what differs) and removes the recorded ones no longer wanted. */
export async function syncHostRoutes(want: readonly HostRoute[], recorded: readonly HostRoute[]): Promise<string[]> {
  const changes: string[] = [];
  for (const r of recorded) {
    if (want.some((w) => w.destination === r.destination && w.via === r.via)) continue;
    await removeHostRoute(r);
    changes.push(`removed ${r.destination} via ${r.via}`);
  }
  for (const r of want) {
    const args = ['route', 'replace', r.destination, 'via', r.via];
    const res = await runCommand('ip', args);
    if (res.code !== 0) throw new Error(commandFailure('ip', args, res));
    if (!recorded.some((x) => x.destination === r.destination && x.via === r.via)) changes.push(`added ${r.destination} via ${r.via}`);
  }
  return changes;
}

export async function removeHostRoute(r: HostRoute): Promise<void> {
  // only the route as made: a route to the same destination via another gateway is not ours
  await runCommand('ip', ['route', 'del', r.destination, 'via', r.via]);
}
