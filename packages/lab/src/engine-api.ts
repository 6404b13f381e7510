// The few Docker Engine API calls the lab makes, through dockerode on a node's unix socket.
import Docker from 'dockerode';
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

/** How long a ping may wait for the engine: one that is up answers on its socket in well under 1 ms. */
const PING_TIMEOUT_MS = 2000;
/** How long any other call may go without a byte either way (a load streams its progress). */
const IDLE_TIMEOUT_MS = 60_000;

/** What dockerode's errors carry besides the message. */
function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number } | null)?.statusCode;
}

function fail(what: string, e: unknown): LabError {
  return new LabError(`${what}: ${(e as Error).message ?? String(e)}`);
}

export class SocketEngineApi implements EngineApi {
  private readonly docker: Docker;
  /** The same engine with the ping's short timeout (dockerode's timeout is per client). */
  private readonly prober: Docker;

  constructor(private readonly socket: string) {
    this.docker = new Docker({ socketPath: socket, timeout: IDLE_TIMEOUT_MS });
    this.prober = new Docker({ socketPath: socket, timeout: PING_TIMEOUT_MS });
  }

  async ping(): Promise<boolean> {
    try {
      await this.prober.ping();
      return true;
    } catch {
      return false;
    }
  }

  async imageId(ref: string): Promise<string | undefined> {
    try {
      return (await this.docker.getImage(ref).inspect()).Id;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw fail(`inspect image ${ref} on ${this.socket}`, e);
    }
  }

  async loadImage(tarball: string): Promise<void> {
    let progress: NodeJS.ReadableStream;
    try {
      progress = await this.docker.loadImage(tarball);
    } catch (e) {
      throw fail(`load ${tarball} on ${this.socket}`, e);
    }
    // The engine reports a failed load in the stream (status 200), as {"errorDetail": ...}.
    const events = await new Promise<{ error?: string }[]>((resolve, reject) =>
      this.docker.modem.followProgress(progress, (err: Error | null, out: { error?: string }[]) => (err ? reject(fail(`load ${tarball}`, err)) : resolve(out))),
    );
    const failed = events.find((e) => e.error !== undefined);
    if (failed) throw new LabError(`load ${tarball} on ${this.socket}: ${failed.error}`);
  }

  async storageDriver(): Promise<string> {
    try {
      return ((await this.docker.info()) as { Driver: string }).Driver;
    } catch (e) {
      throw fail(`engine info on ${this.socket}`, e);
    }
  }

  async containerIds(): Promise<string[]> {
    try {
      return (await this.docker.listContainers({ all: true })).map((c) => c.Id);
    } catch (e) {
      throw fail(`list containers on ${this.socket}`, e);
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (e) {
      if (statusOf(e) !== 404) throw fail(`remove container ${id} on ${this.socket}`, e);
    }
  }
}
