// skiffctl version: the client's version and the server's (from discovery).
import type { Client } from '@skiff/machinery';
import { clientVersion } from '../client-version.js';
import { CliError } from '../cli-error.js';
import type { Io } from '../io.js';
import { out, printError } from '../io-lines.js';
import { toJson, toYaml } from '../printers/structured.js';

export interface VersionArgs {
  /** --client: do not ask the server. */
  client?: boolean;
  output?: string;
  server: string;
}

export async function version(client: Client, args: VersionArgs, io: Io): Promise<number> {
  if (args.output && args.output !== 'yaml' && args.output !== 'json') throw new CliError(`--output must be 'yaml' or 'json'`);
  const result: Record<string, unknown> = { clientVersion: { gitVersion: clientVersion(), platform: `${process.platform}/${process.arch}` } };
  let failure: unknown;
  if (!args.client) {
    try {
      const d = await client.discovery();
      result.serverVersion = { gitVersion: d.gitVersion, platform: d.platform };
    } catch (e) {
      failure = e;
    }
  }
  if (args.output === 'json') io.stdout.write(toJson(result));
  else if (args.output === 'yaml') io.stdout.write(toYaml(result));
  else {
    out(io, `Client Version: ${clientVersion()}`);
    const sv = result.serverVersion as { gitVersion: string } | undefined;
    if (sv) out(io, `Server Version: ${sv.gitVersion}`);
  }
  if (failure) {
    printError(io, failure, { server: args.server });
    return 1;
  }
  return 0;
}
