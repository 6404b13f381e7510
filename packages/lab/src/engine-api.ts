// The few Docker Engine API calls the lab makes, over a node's unix socket.
import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import { LabError } from './errors.js';

export interface EngineApi {
  ping(): Promise<boolean>;
  /** image ID (sha256:...) of `ref`, undefined when absent */
  imageId(ref: string): Promise<string | undefined>;
  loadImage(tarball: string): Promise<void>;
  containerIds(): Promise<string[]>;
  /** the engine's storage driver (overlay2, vfs...) */
  storageDriver(): Promise<string>;
  removeContainer(id: string): Promise<void>;
}

interface Reply {
  status: number;
  body: string;
}

function call(socket: string, method: string, path: string, timeoutMs: number, bodyFile?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath: socket,
        method,
        path,
        timeout: timeoutMs,
        headers: bodyFile ? { 'Content-Type': 'application/x-tar' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new LabError(`${method} ${path} on ${socket} timed out`)));
    req.on('error', reject);
    if (bodyFile) {
      const s = createReadStream(bodyFile);
      s.on('error', (e) => req.destroy(e));
      s.pipe(req);
    } else req.end();
  });
}

export class SocketEngineApi implements EngineApi {
  constructor(private readonly socket: string) {}

  async ping(): Promise<boolean> {
    try {
      const r = await call(this.socket, 'GET', '/_ping', 2000);
      return r.status === 200;
    } catch {
      return false;
    }
  }

  async imageId(ref: string): Promise<string | undefined> {
    const r = await call(this.socket, 'GET', `/images/${encodeURIComponent(ref)}/json`, 10000);
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new LabError(`inspect image ${ref}: ${r.status} ${r.body}`);
    return (JSON.parse(r.body) as { Id: string }).Id;
  }

  async loadImage(tarball: string): Promise<void> {
    const r = await call(this.socket, 'POST', '/images/load?quiet=1', 300000, tarball);
    if (r.status !== 200 || r.body.includes('"errorDetail"')) throw new LabError(`load ${tarball}: ${r.status} ${r.body}`);
  }

  async storageDriver(): Promise<string> {
    const r = await call(this.socket, 'GET', '/info', 10000);
    if (r.status !== 200) throw new LabError(`engine info: ${r.status} ${r.body}`);
    return (JSON.parse(r.body) as { Driver: string }).Driver;
  }

  async containerIds(): Promise<string[]> {
    const r = await call(this.socket, 'GET', '/containers/json?all=1', 10000);
    if (r.status !== 200) throw new LabError(`list containers: ${r.status} ${r.body}`);
    return (JSON.parse(r.body) as { Id: string }[]).map((c) => c.Id);
  }

  async removeContainer(id: string): Promise<void> {
    const r = await call(this.socket, 'DELETE', `/containers/${id}?force=1&v=1`, 30000);
    if (r.status !== 204 && r.status !== 404) throw new LabError(`remove container ${id}: ${r.status} ${r.body}`);
  }
}
