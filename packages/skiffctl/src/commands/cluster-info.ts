// skiffctl cluster-info: where the control plane is, after checking that it answers.
import type { Client } from '@skiff/machinery';
import type { Io } from '../io.js';
import { err, out, printError } from '../io-lines.js';

export interface ClusterInfoArgs {
  server: string;
}

export async function clusterInfo(client: Client, args: ClusterInfoArgs, io: Io): Promise<number> {
  try {
    const d = await client.discovery();
    out(io, `Skiff control plane is running at ${args.server}`);
    out(io, `Server version ${d.gitVersion || '<unknown>'}${d.platform ? ` (${d.platform})` : ''}, serving ${d.resources.length} resource types`);
    out(io, '');
    out(io, "To further debug and diagnose cluster problems, use 'skiffctl get events -A' and 'skiffctl describe'.");
    return 0;
  } catch (e) {
    err(io, 'To further debug and diagnose cluster problems, check that skiff-apiserver is running.');
    printError(io, e, { server: args.server });
    return 1;
  }
}
