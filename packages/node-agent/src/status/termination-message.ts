// Termination messages (the kubelet's getTerminationMessage): with terminationMessagePolicy
// FallbackToLogsOnError, a container that failed (exit code not 0) without a message gets the tail
// of its log as its terminated state's message: the last 80 lines, at most 2048 bytes. A finished
// container never changes, so each one's message is read once.
// (The File policy needs the message file mounted at terminationMessagePath: not done yet.)
import type { Pod } from '@skiff/api';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { PodRuntimeState } from '../sync/pod-state.js';

export const MAX_TERMINATION_MESSAGE_LOG_LINES = 80;
export const MAX_TERMINATION_MESSAGE_LOG_BYTES = 2048;

/** the last `maxBytes` of `text` (the kubelet keeps the end of the log) */
export function tailBytes(text: string, maxBytes: number): string {
  const b = Buffer.from(text);
  return b.length <= maxBytes ? text : b.subarray(b.length - maxBytes).toString('utf8');
}

export class TerminationMessages {
  private readonly read = new Map<string, string>();

  constructor(private readonly runtime: ContainerRuntime) {}

  /** sets `message` on the failed containers of `state` whose policy falls back to their logs */
  async fill(pod: Pod, state: PodRuntimeState): Promise<void> {
    const specs = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
    for (const c of state.containers) {
      if (c.state !== 'exited' || !c.exitCode || c.message) continue;
      if (specs.find((s) => s.name === c.name)?.terminationMessagePolicy !== 'FallbackToLogsOnError') continue;
      let message = this.read.get(c.id);
      if (message === undefined) {
        message = '';
        for await (const chunk of this.runtime.logs(c.id, { tail: MAX_TERMINATION_MESSAGE_LOG_LINES })) message += chunk.data.toString('utf8');
        message = tailBytes(message, MAX_TERMINATION_MESSAGE_LOG_BYTES);
        this.read.set(c.id, message);
      }
      if (message) c.message = message;
    }
  }

  /** forgets the messages of containers that are gone */
  forget(containerIds: readonly string[]): void {
    for (const id of containerIds) this.read.delete(id);
  }
}
