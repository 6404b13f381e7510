// The StreamClient of a streaming command, from the same connection settings as every command.
import { StreamClient } from '@skiff/machinery';
import { clientVersion } from '../client-version.js';
import type { Connection } from '../config.js';

export function streamClient(conn: Connection): StreamClient {
  return new StreamClient({ server: conn.server, userAgent: `skiffctl/${clientVersion()}`, ...(conn.token ? { token: conn.token } : {}) });
}
