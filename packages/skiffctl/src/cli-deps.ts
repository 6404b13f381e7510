// What runCli may take from its caller instead of the process (tests pass fakes).
import type { Client, ClientConfig } from '@skiff/machinery';

export interface CliDeps {
  /** Environment (default process.env): SKIFF_SERVER, SKIFF_TOKEN, SKIFFCONFIG. */
  env?: Record<string, string | undefined>;
  /** Home directory for ~/.skiff/config (default os.homedir()). */
  home?: string;
  /** Builds the client (tests pass a fake). */
  createClient?: (config: ClientConfig) => Client;
  /** Clock for ages (tests). */
  now?: () => number;
  /** Milliseconds between polls of commands that wait (drain; default 1000). */
  pollMs?: number;
}
