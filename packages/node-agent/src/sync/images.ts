// Images by pull policy, as the kubelet's image manager: Never uses the present image or fails
// (ErrImageNeverPull); IfNotPresent pulls only a missing one; Always pulls every time (the default
// for ":latest" or no tag, else IfNotPresent, as the API defaults it). A failed pull of an image
// that is present falls back to it with a Warning; otherwise the container waits with ErrImagePull,
// then ImagePullBackOff until the pull back-off (10 s doubling to 300 s) has passed.
import { defaultImagePullPolicy, type Container, type Pod } from '@skiff/api';
import type { ContainerRuntime, ImageInfo } from '../runtime/runtime.js';
import type { Waiting } from './actions.js';
import type { CrashBackoff } from './backoff.js';

export type RecordEvent = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;

export type ImageResult = { image: ImageInfo } | { waiting: Waiting; retryAfterMs?: number };

export class ImageManager {
  /** when the last pull of a pod's container failed */
  private readonly failedAt = new Map<string, number>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly backoff: CrashBackoff,
    private readonly record: RecordEvent,
    private readonly now: () => number,
  ) {}

  async ensure(pod: Pod, container: Container, signal?: AbortSignal): Promise<ImageResult> {
    const ref = container.image ?? '';
    const policy = container.imagePullPolicy ?? defaultImagePullPolicy(ref);
    const present = await this.runtime.inspectImage(ref);
    if (policy === 'Never' || (policy === 'IfNotPresent' && present)) {
      if (present) {
        this.record(pod, 'Normal', 'Pulled', `Container image "${ref}" already present on machine`);
        return { image: present };
      }
      const message = `Container image "${ref}" is not present with pull policy of Never`;
      this.record(pod, 'Warning', 'ErrImageNeverPull', message);
      return { waiting: { reason: 'ErrImageNeverPull', message } };
    }
    const key = `pull/${pod.metadata.uid ?? ''}/${container.name}`;
    const now = this.now();
    const left = this.backoff.remaining(key, this.failedAt.get(key) ?? 0, now);
    if (left > 0) {
      this.record(pod, 'Normal', 'BackOff', `Back-off pulling image "${ref}"`);
      return { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${ref}"` }, retryAfterMs: left };
    }
    this.record(pod, 'Normal', 'Pulling', `Pulling image "${ref}"`);
    try {
      await this.runtime.pullImage(ref, signal);
      const image = await this.runtime.inspectImage(ref);
      if (!image) throw new Error(`image ${ref} is not present after its pull`);
      this.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${ref}" in ${this.now() - now}ms`);
      this.failedAt.delete(key);
      return { image };
    } catch (e) {
      const message = `Failed to pull image "${ref}": ${(e as Error).message}`;
      if (present) {
        this.record(pod, 'Warning', 'Failed', `${message}; using the image present on the node`);
        return { image: present };
      }
      this.record(pod, 'Warning', 'Failed', message);
      this.record(pod, 'Warning', 'Failed', 'Error: ErrImagePull');
      this.backoff.next(key, now);
      this.failedAt.set(key, now);
      return { waiting: { reason: 'ErrImagePull', message }, retryAfterMs: this.backoff.delayMs(key, now) };
    }
  }

  forget(podUid: string): void {
    for (const k of this.failedAt.keys()) if (k.startsWith(`pull/${podUid}/`)) this.failedAt.delete(k);
    this.backoff.forget(`pull/${podUid}/`);
  }
}
