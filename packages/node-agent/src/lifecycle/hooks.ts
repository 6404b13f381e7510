// postStart and preStop hooks (the kubelet's handler runner in kuberuntime_container.go): postStart
// runs right after the container started; when it fails, a FailedPostStartHook event is recorded
// and the caller kills the container. preStop runs before a running container is stopped, within
// the grace period; what is left of the period (at least 2 s) goes to the stop; a failure is a
// FailedPreStopHook event and the stop goes on.
import type { Container, Pod } from '@skiff/api';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { RecordEvent } from '../sync/images.js';
import { describeHandler, runHandler } from '../probe/handler.js';

/** the kubelet's minimumGracePeriodInSeconds */
export const MIN_GRACE_SECONDS = 2;
/** the kubelet waits for postStart without a limit; Skiff gives up after this long */
export const POST_START_TIMEOUT_MS = 120_000;

export interface HookTarget {
  pod: Pod;
  container: Container;
  containerId: string;
  podIP?: string;
}

function podKey(pod: Pod): string {
  return `${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`;
}

export class HookRunner {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly record: RecordEvent,
    private readonly now: () => number,
  ) {}

  private async run(which: 'postStart' | 'preStop', t: HookTarget, timeoutMs: number): Promise<string | undefined> {
    const handler = t.container.lifecycle?.[which];
    if (!handler) return undefined;
    const out = await runHandler(handler, t, timeoutMs, this.runtime, 'hook');
    if (out.ok) return undefined;
    const what = `${describeHandler(handler)} for Container "${t.container.name}" in Pod "${podKey(t.pod)}" failed`;
    return handler.exec ? `${what} - error: command exited with an error, message: ${JSON.stringify(out.output)}` : `${what} - error: ${out.output}`;
  }

  /** the failure's message, or undefined when the hook succeeded (or there is none) */
  async postStart(t: HookTarget): Promise<string | undefined> {
    const failed = await this.run('postStart', t, POST_START_TIMEOUT_MS);
    if (failed) this.record(t.pod, 'Warning', 'FailedPostStartHook', failed);
    return failed;
  }

  /** runs preStop within `graceSeconds`; returns the seconds left for the stop (at least 2) */
  async preStop(t: HookTarget, graceSeconds: number): Promise<number> {
    if (!t.container.lifecycle?.preStop) return graceSeconds;
    const start = this.now();
    const failed = await this.run('preStop', t, Math.max(graceSeconds, MIN_GRACE_SECONDS) * 1000);
    if (failed) this.record(t.pod, 'Warning', 'FailedPreStopHook', failed);
    const left = graceSeconds - Math.floor((this.now() - start) / 1000);
    return Math.max(left, MIN_GRACE_SECONDS);
  }
}
