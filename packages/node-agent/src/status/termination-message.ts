// Termination messages, as the kubelet writes them:
// - before a container starts, an empty 0666 file of its own under the pod's directory
//   (<pod dir>/containers/<name>/<random>) is bound at its terminationMessagePath (default
//   /dev/termination-log), so whatever the process writes there outlives it;
// - once it exited, the last 4096 bytes of that file are its message (policy File, and
//   FallbackToLogsOnError when the file is empty); with FallbackToLogsOnError a container that
//   failed (exit code not 0, and not ContainerCannotRun) with nothing in the file gets the tail of its
//   log: the last 80 lines, at most 2048 bytes. A message the runtime gave (Docker's for
//   ContainerCannotRun) comes first, joined with ": ";
// - the status manager keeps the first 12 KiB / (containers + init containers) bytes of every
//   terminated state's message (the kubelet's normalizeStatus).
// A finished container never changes, so each one's message is read once.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerState, Pod, PodStatus } from '@skiff/api';
import type { ContainerRuntime, ContainerStatus } from '../runtime/runtime.js';
import type { PodRuntimeState } from '../sync/pod-state.js';

export const MAX_TERMINATION_MESSAGE_LOG_LINES = 80;
export const MAX_TERMINATION_MESSAGE_LOG_BYTES = 2048;
/** the most one container may write to its terminationMessagePath (the kubelet's MaxContainerTerminationMessageLength) */
export const MAX_CONTAINER_TERMINATION_MESSAGE_BYTES = 4096;
/** the most one pod's terminated states may carry, split evenly (MaxPodTerminationMessageLogLength) */
export const MAX_POD_TERMINATION_MESSAGE_BYTES = 12 * 1024;

/** the last `maxBytes` of `text` (the kubelet keeps the end of the log) */
export function tailBytes(text: string, maxBytes: number): string {
  const b = Buffer.from(text);
  return b.length <= maxBytes ? text : b.subarray(b.length - maxBytes).toString('utf8');
}

/** the first `maxBytes` of `text` */
export function headBytes(text: string, maxBytes: number): string {
  const b = Buffer.from(text);
  return b.length <= maxBytes ? text : b.subarray(0, maxBytes).toString('utf8');
}

/** Makes the empty 0666 file a new container instance writes its message to; its path on the node. */
export async function createTerminationMessageFile(podDir: string, containerName: string): Promise<string> {
  const dir = path.join(podDir, 'containers', containerName);
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const file = path.join(dir, randomBytes(4).toString('hex'));
  await (await open(file, 'wx')).close();
  await chmod(file, 0o666);
  return file;
}

/** The last `maxBytes` of a file; undefined when it does not exist. */
async function readFileTail(file: string, maxBytes: number): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return buf.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The kubelet's getTerminationMessage: the file's message, and whether to read the logs instead. */
export async function fileMessage(c: ContainerStatus, messagePath: string | undefined, fallbackToLogs: boolean): Promise<{ message: string; checkLogs: boolean }> {
  const mount = messagePath ? c.mounts?.find((m) => m.containerPath === messagePath) : undefined;
  if (!mount) return { message: '', checkLogs: fallbackToLogs };
  try {
    const data = await readFileTail(mount.hostPath, MAX_CONTAINER_TERMINATION_MESSAGE_BYTES);
    if (data === undefined) return { message: '', checkLogs: fallbackToLogs };
    return { message: data, checkLogs: fallbackToLogs && data.length === 0 };
  } catch (e) {
    return { message: `Error on reading termination log ${mount.hostPath}: ${(e as Error).message}`, checkLogs: false };
  }
}

export class TerminationMessages {
  private readonly read = new Map<string, string>();

  constructor(private readonly runtime: ContainerRuntime) {}

  /** sets `message` on the exited containers of `state` (see the file's comment) */
  async fill(pod: Pod, state: PodRuntimeState): Promise<void> {
    const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
    for (const c of state.containers) {
      if (c.state !== 'exited') continue;
      let message = this.read.get(c.id);
      if (message === undefined) {
        const spec = specs.find((s) => s.name === c.name);
        const fallback = spec?.terminationMessagePolicy === 'FallbackToLogsOnError' && Boolean(c.exitCode) && c.reason !== 'ContainerCannotRun';
        const got = await fileMessage(c, spec?.terminationMessagePath, fallback);
        message = got.message;
        if (got.checkLogs) message = await this.logTail(c.id);
        this.read.set(c.id, message);
      }
      if (message) c.message = c.message ? `${c.message}: ${message}` : message;
    }
  }

  private async logTail(id: string): Promise<string> {
    let text = '';
    for await (const chunk of this.runtime.logs(id, { tail: MAX_TERMINATION_MESSAGE_LOG_LINES })) text += chunk.data.toString('utf8');
    return tailBytes(text, MAX_TERMINATION_MESSAGE_LOG_BYTES);
  }

  /** forgets the messages of containers that are gone */
  forget(containerIds: readonly string[]): void {
    for (const id of containerIds) this.read.delete(id);
  }
}

/** The pod's terminated messages cut to their even share of 12 KiB (the kubelet's normalizeStatus); a copy when any is cut. */
export function limitTerminationMessages(pod: Pod, status: PodStatus): PodStatus {
  const containers = (pod.spec?.containers.length ?? 0) + (pod.spec?.initContainers?.length ?? 0);
  const share = containers > 0 ? Math.floor(MAX_POD_TERMINATION_MESSAGE_BYTES / containers) : MAX_POD_TERMINATION_MESSAGE_BYTES;
  const cut = (s: ContainerState | undefined): ContainerState | undefined => {
    const m = s?.terminated?.message;
    return m !== undefined && Buffer.byteLength(m) > share ? { ...s, terminated: { ...s!.terminated!, message: headBytes(m, share) } } : s;
  };
  let changed = false;
  const limit = <T extends { state?: ContainerState; lastState?: ContainerState }>(list: T[] | undefined): T[] | undefined =>
    list?.map((c) => {
      const state = cut(c.state);
      const lastState = cut(c.lastState);
      if (state === c.state && lastState === c.lastState) return c;
      changed = true;
      return { ...c, ...(state ? { state } : {}), ...(lastState ? { lastState } : {}) };
    });
  const out = { ...status };
  const cs = limit(status.containerStatuses);
  const ics = limit(status.initContainerStatuses);
  if (cs) out.containerStatuses = cs;
  if (ics) out.initContainerStatuses = ics;
  return changed ? out : status;
}
