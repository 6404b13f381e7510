// One pod's sync and kill against the runtime (the kubelet's SyncPod / KillPod / SyncTerminatingPod):
// `sync` reads the runtime's state, computes the actions (actions.ts), carries them out (sandbox,
// images, containers, events) and writes the status; a pod marked for deletion is stopped
// gracefully (SIGTERM, SIGKILL after its grace period), its final status written and the object
// deleted with grace 0 and its uid as precondition; an orphan's containers are stopped and removed.
import { isApiError, type Container, type Pod } from '@skiff/api';
import type { Clientset } from '@skiff/machinery';
import { containerConfig, type NodeFacts } from '../spec/container-config.js';
import { sandboxPorts } from '../spec/ports.js';
import type { ContainerRuntime, PodRef } from '../runtime/runtime.js';
import { computePodStatus } from '../status/pod-status.js';
import type { StatusManager } from '../status/status-manager.js';
import { backoffKey, computePodActions, type PodActions, type Waiting } from './actions.js';
import type { CrashBackoff } from './backoff.js';
import { envInput } from './env.js';
import type { ImageManager, RecordEvent } from './images.js';
import { readPodState } from './pod-state.js';
import { containerMounts } from '../volumes/container-mounts.js';
import type { PodVolumes, VolumeManager } from '../volumes/volume-manager.js';

export const DEFAULT_GRACE_SECONDS = 30;
/** a pod whose volumes could not be set up is synced again after this long */
export const VOLUME_RETRY_MS = 2_000;

export interface PodSyncerDeps {
  runtime: ContainerRuntime;
  clients: Clientset;
  images: ImageManager;
  backoff: CrashBackoff;
  statuses: StatusManager;
  record: RecordEvent;
  node: NodeFacts & { hostIP: string };
  runtimeName: string;
  now: () => number;
  /** the pods' volumes; without it, volumes are not set up (hollow nodes) */
  volumes?: VolumeManager;
}

export interface SyncResult {
  /** sync again after this long (a back-off ends) */
  retryAfterMs?: number;
}

export function podRef(pod: Pod): PodRef {
  return { uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' };
}

function terminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

export class PodSyncer {
  /** uid → why the pod is evicted (until it is removed) */
  private readonly evictions = new Map<string, string>();

  constructor(private readonly d: PodSyncerDeps) {}

  /** Marks a pod evicted (the eviction manager's verdict); its next sync stops it and writes Failed/Evicted. */
  markEvicted(uid: string, message: string): void {
    this.evictions.set(uid, message);
  }

  async sync(pod: Pod, signal?: AbortSignal): Promise<SyncResult> {
    if (pod.metadata.deletionTimestamp) return this.terminate(pod);
    const uid = pod.metadata.uid ?? '';
    const eviction = this.evictions.get(uid);
    if (eviction !== undefined && !terminal(pod)) {
      await this.evict(pod, eviction);
      return {};
    }
    if (terminal(pod)) {
      await this.stopPod(uid, 0, pod); // nothing runs again; containers stay for their logs
      return {};
    }
    const volumes = await this.mountVolumes(pod);
    if (!volumes) {
      await this.writeStatus(pod, new Map());
      return { retryAfterMs: VOLUME_RETRY_MS };
    }
    const state = await readPodState(this.d.runtime, uid);
    const actions = computePodActions(pod, state, this.d.backoff, this.d.now());
    await this.carryOut(pod, actions, volumes, signal);
    await this.writeStatus(pod, actions.waiting);
    return actions.retryAfterMs === undefined ? {} : { retryAfterMs: actions.retryAfterMs };
  }

  /** the pod's volumes set up (or refreshed), or undefined after FailedMount events: nothing may start */
  private async mountVolumes(pod: Pod): Promise<PodVolumes | undefined> {
    if (!this.d.volumes) return new Map();
    const got = await this.d.volumes.mountPod(pod);
    if ('volumes' in got) return got.volumes;
    for (const f of got.failed) this.d.record(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume ${JSON.stringify(f.volume)} : ${f.message}`);
    return undefined;
  }

  private async carryOut(pod: Pod, actions: PodActions, volumes: PodVolumes, signal?: AbortSignal): Promise<void> {
    const grace = pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    await Promise.all(
      actions.kill.map(async (k) => {
        this.d.record(pod, 'Normal', 'Killing', `Stopping container ${k.name}`);
        await this.d.runtime.stopContainer(k.id, grace);
      }),
    );
    for (const id of actions.stopSandboxIds) await this.d.runtime.stopPodSandbox(id, grace);
    let sandboxId = (await this.d.runtime.listPodSandboxes({ podUid: pod.metadata.uid ?? '' })).find((s) => s.state === 'ready')?.id;
    let podIP: string | undefined;
    if (actions.createSandbox) {
      const spec = pod.spec ?? { containers: [] };
      const sandbox = await this.d.runtime.runPodSandbox({
        pod: podRef(pod),
        attempt: actions.attempt,
        hostname: spec.hostname ?? pod.metadata.name ?? '',
        hostNetwork: Boolean(spec.hostNetwork),
        ports: sandboxPorts(spec),
        labels: { ...(pod.metadata.labels ?? {}) },
      });
      sandboxId = sandbox.id;
      podIP = sandbox.ip;
    } else if (sandboxId) {
      podIP = (await this.d.runtime.podSandboxStatus(sandboxId)).ip;
    }
    if (!sandboxId) return;
    for (const s of actions.start) {
      const waiting = await this.startContainer(pod, sandboxId, s.container, s.restartCount, podIP, volumes, signal);
      if (waiting) {
        actions.waiting.set(s.container.name, waiting.waiting);
        if (waiting.retryAfterMs !== undefined) actions.retryAfterMs = Math.min(actions.retryAfterMs ?? Infinity, waiting.retryAfterMs);
        if (s.init) return;
        continue;
      }
      if (s.restart) this.d.backoff.next(backoffKey(pod, s.container.name), this.d.now());
    }
    for (const [name, w] of actions.waiting) {
      if (w.reason === 'CrashLoopBackOff') this.d.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`);
    }
  }

  /** undefined once started; else why it waits */
  private async startContainer(
    pod: Pod,
    sandboxId: string,
    container: Container,
    restartCount: number,
    podIP: string | undefined,
    volumes: PodVolumes,
    signal?: AbortSignal,
  ): Promise<{ waiting: Waiting; retryAfterMs?: number } | undefined> {
    const got = await this.d.images.ensure(pod, container, signal);
    if ('waiting' in got) return got;
    const facts = podIP ? { podIP, hostIP: this.d.node.hostIP } : { hostIP: this.d.node.hostIP };
    let config;
    try {
      config = containerConfig({ pod: podRef(pod), spec: pod.spec ?? { containers: [] }, container, restartCount, image: got.image, env: envInput(pod, container, facts), node: this.d.node });
    } catch (e) {
      const message = (e as Error).message;
      this.d.record(pod, 'Warning', 'Failed', `Error: ${message}`);
      return { waiting: { reason: 'CreateContainerConfigError', message } };
    }
    const mounts = await containerMounts(container, volumes, config.env);
    if ('failed' in mounts) {
      this.d.record(pod, 'Warning', 'Failed', `Error: ${mounts.failed}`);
      return { waiting: { reason: 'CreateContainerConfigError', message: mounts.failed } };
    }
    if (mounts.mounts.length > 0) config.mounts = mounts.mounts;
    const id = await this.d.runtime.createContainer(sandboxId, config);
    this.d.record(pod, 'Normal', 'Created', `Created container ${container.name}`);
    await this.d.runtime.startContainer(id);
    this.d.record(pod, 'Normal', 'Started', `Started container ${container.name}`);
    return undefined;
  }

  private async writeStatus(pod: Pod, waiting: ReadonlyMap<string, Waiting>, terminating = false): Promise<void> {
    const state = await readPodState(this.d.runtime, pod.metadata.uid ?? '');
    const status = computePodStatus({ pod, state, waiting, runtimeName: this.d.runtimeName, hostIP: this.d.node.hostIP, nowIso: new Date(this.d.now()).toISOString(), terminating });
    await this.d.statuses.setStatus(pod, status);
  }

  /** The kubelet's eviction: an Evicted event, every container stopped at once, phase Failed with reason Evicted. */
  private async evict(pod: Pod, message: string): Promise<void> {
    this.d.record(pod, 'Warning', 'Evicted', message);
    await this.stopPod(pod.metadata.uid ?? '', 0, pod);
    const state = await readPodState(this.d.runtime, pod.metadata.uid ?? '');
    const status = computePodStatus({ pod, state, waiting: new Map(), runtimeName: this.d.runtimeName, hostIP: this.d.node.hostIP, nowIso: new Date(this.d.now()).toISOString(), terminating: true });
    await this.d.statuses.setStatus(pod, { ...status, phase: 'Failed', reason: 'Evicted', message });
  }

  /** Stops every container (SIGTERM, SIGKILL after `graceSeconds`) and the sandboxes of a pod. */
  async stopPod(uid: string, graceSeconds: number, pod?: Pod): Promise<void> {
    const containers = (await this.d.runtime.listContainers({ podUid: uid })).filter((c) => c.state === 'running' || c.state === 'created');
    await Promise.all(
      containers.map(async (c) => {
        if (pod) this.d.record(pod, 'Normal', 'Killing', `Stopping container ${c.name}`);
        await this.d.runtime.stopContainer(c.id, graceSeconds);
      }),
    );
    for (const s of await this.d.runtime.listPodSandboxes({ podUid: uid })) if (s.state === 'ready') await this.d.runtime.stopPodSandbox(s.id, graceSeconds);
  }

  /** A pod being deleted: stopped gracefully, its last status written, the object deleted, the runtime's objects removed. */
  async terminate(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata.uid ?? '';
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    await this.stopPod(uid, grace, pod);
    await this.writeStatus(pod, new Map(), true).catch(() => undefined); // best effort: the object goes next
    try {
      await this.d.clients.pods(pod.metadata.namespace ?? '').delete(pod.metadata.name ?? '', { gracePeriodSeconds: 0, preconditions: { uid } });
    } catch (e) {
      if (!isApiError(e) || (e.code !== 'NOT_FOUND' && e.code !== 'ABORTED')) throw e;
    }
    await this.removePod(uid);
    return {};
  }

  /** Stops (without grace: the pod is gone) and removes everything the runtime holds for a pod. */
  async removeOrphan(uid: string, graceSeconds = 2): Promise<void> {
    await this.stopPod(uid, graceSeconds);
    await this.removePod(uid);
  }

  private async removePod(uid: string): Promise<void> {
    for (const c of await this.d.runtime.listContainers({ podUid: uid })) await this.d.runtime.removeContainer(c.id);
    for (const s of await this.d.runtime.listPodSandboxes({ podUid: uid })) await this.d.runtime.removePodSandbox(s.id);
    await this.d.volumes?.unmountPod(uid);
    this.d.backoff.forget(`${uid}/`);
    this.d.images.forget(uid);
    this.d.statuses.forget(uid);
    this.evictions.delete(uid);
  }
}
