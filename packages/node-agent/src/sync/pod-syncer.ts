// One pod's sync and kill against the runtime (the kubelet's SyncPod / KillPod / SyncTerminatingPod):
// `sync` reads the runtime's state, computes the actions (actions.ts), carries them out (sandbox,
// images, containers, events) and writes the status; a pod marked for deletion is stopped
// gracefully (SIGTERM, SIGKILL after its grace period), its final status written and the object
// deleted with grace 0 and its uid as precondition; an orphan's containers are stopped and removed.
import { isApiError, type Container, type Pod, type ResourceList } from '@skiff/api';
import type { Clientset } from '@skiff/machinery';
import { containerConfig, type NodeFacts } from '../spec/container-config.js';
import { sandboxPorts } from '../spec/ports.js';
import type { ContainerRuntime, PodRef, PodSandboxStatus } from '../runtime/runtime.js';
import { PodSandboxError } from '../errors.js';
import { computePodStatus } from '../status/pod-status.js';
import type { StatusManager } from '../status/status-manager.js';
import { backoffKey, computePodActions, type PodActions, type Waiting } from './actions.js';
import type { CrashBackoff } from './backoff.js';
import { envInput } from './env.js';
import { noEnvSources, type EnvSources } from '../env/env-sources.js';
import { DEFAULT_CLUSTER_DOMAIN, podDNS, podExtraHosts, podHostnameAndDomain, type DNSNode } from '../dns/pod-dns.js';
import type { ImageManager, RecordEvent } from './images.js';
import { PodStateCache, readPodState, type PodRuntimeState } from './pod-state.js';
import type { ProbeManager } from '../probe/probe-manager.js';
import { noProbes } from '../probe/probe-results.js';
import { HookRunner, MIN_GRACE_SECONDS } from '../lifecycle/hooks.js';
import { createTerminationMessageFile, TerminationMessages } from '../status/termination-message.js';
import { activeDeadlineRemainingMs, DEADLINE_EXCEEDED } from '../lifecycle/active-deadline.js';
import { containerMounts } from '../volumes/container-mounts.js';
import { ETC_HOSTS_PATH, mountsHostsFile, writePodHostsFile } from '../dns/hosts-file.js';
import type { PodVolumes, VolumeManager } from '../volumes/volume-manager.js';

export const DEFAULT_GRACE_SECONDS = 30;
/** how long a steady pod's runtime state is used without reading it again (the PLEG reports changes meanwhile) */
export const STEADY_STATE_MAX_AGE_MS = 60_000;
/** a pod whose container could not start is synced again after this long */
export const RUN_CONTAINER_ERROR_RETRY_MS = 1_000;
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
  /** ConfigMaps, Secrets and Services for env (default: none) */
  envSources?: EnvSources;
  /** the node's allocatable, for resourceFieldRef of limits that are not set */
  allocatable?: ResourceList;
  /** cluster DNS, cluster domain and the node's resolv.conf (default: no cluster DNS) */
  dns?: DNSNode;
  /** liveness, readiness and startup probes (default: none run; running is ready) */
  probes?: ProbeManager;
  /** the pods' volumes; without it, volumes are not set up (hollow nodes) and no hosts file is written */
  volumes?: VolumeManager;
  /** the node's hosts file, the base of hostNetwork pods' /etc/hosts (default /etc/hosts) */
  nodeHostsPath?: string;
}

export interface SyncResult {
  /** sync again after this long (a back-off ends) */
  retryAfterMs?: number;
}

export function podRef(pod: Pod): PodRef {
  return { uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '' };
}

/** Succeeded or Failed, as the API has it or as the agent last recorded it (the write may not be out yet) */
function terminal(pod: Pod, recorded?: { phase?: string }): boolean {
  const phase = recorded?.phase ?? pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function podIPOf(pod: Pod, state: PodRuntimeState, hostIP: string): string | undefined {
  const s = state.sandboxes[0];
  if (s?.state !== 'ready') return undefined;
  return s.hostNetwork || pod.spec?.hostNetwork ? hostIP : s.ip;
}

export class PodSyncer {
  private readonly hooks: HookRunner;
  private readonly messages: TerminationMessages;
  /** uid → why the pod is evicted and the grace its containers get (until it is removed) */
  private readonly evictions = new Map<string, { message: string; graceSeconds: number }>();
  private readonly cache = new PodStateCache();

  constructor(private readonly d: PodSyncerDeps) {
    this.hooks = new HookRunner(d.runtime, d.record, d.now);
    this.messages = new TerminationMessages(d.runtime);
  }

  /** The runtime changed something of the pod (a PLEG event): its next sync reads the runtime afresh. */
  invalidate(uid: string): void {
    this.cache.invalidate(uid);
  }

  /**
   * Marks a pod evicted (the eviction manager's verdict): its next sync stops its containers with
   * `graceSeconds` (the eviction's grace period override) and writes Failed/Evicted.
   */
  markEvicted(uid: string, message: string, graceSeconds = 0): void {
    this.evictions.set(uid, { message, graceSeconds });
  }

  async sync(pod: Pod, signal?: AbortSignal): Promise<SyncResult> {
    if (pod.metadata.deletionTimestamp) return this.terminate(pod);
    const uid = pod.metadata.uid ?? '';
    const eviction = this.evictions.get(uid);
    const recorded = this.d.statuses.latest(uid);
    if (eviction !== undefined && !terminal(pod, recorded)) {
      await this.evict(pod, eviction.message, eviction.graceSeconds);
      return {};
    }
    if (terminal(pod, recorded)) {
      this.d.probes?.removePod(uid);
      await this.stopPod(uid, 0, pod); // nothing runs again; containers stay for their logs
      return {};
    }
    const deadlineMs = activeDeadlineRemainingMs(pod, this.d.now());
    if (deadlineMs !== undefined && deadlineMs <= 0) return this.failPastDeadline(pod);
    const volumes = await this.mountVolumes(pod);
    if (!volumes) {
      await this.writeStatus(pod, new Map());
      return { retryAfterMs: VOLUME_RETRY_MS };
    }
    // a steady pod's state as last read, unless the PLEG reported a change since (the kubelet's pod cache)
    const gen = this.cache.generation(uid);
    const steady = this.cache.steady(uid, this.d.now(), STEADY_STATE_MAX_AGE_MS);
    const state = steady ?? (await this.readState(uid));
    this.d.probes?.syncPod(pod, state, podIPOf(pod, state, this.d.node.hostIP));
    const actions = computePodActions(pod, state, this.d.backoff, this.d.now(), this.d.probes ?? noProbes);
    let changed: boolean;
    try {
      changed = await this.carryOut(pod, actions, state, volumes, signal);
    } catch (e) {
      if (e instanceof PodSandboxError) {
        // as the kubelet: the status still says what there is (Pending, ContainerCreating); the worker retries
        this.cache.invalidate(uid);
        await this.writeStatus(pod, actions.waiting);
      }
      throw e;
    }
    if (changed) this.cache.invalidate(uid);
    else if (!steady) this.cache.keepState(uid, gen, this.d.now(), state);
    // a sync that changed nothing reports the state it read
    await this.writeStatus(pod, actions.waiting, false, undefined, changed ? undefined : state);
    const retry = Math.min(actions.retryAfterMs ?? Infinity, deadlineMs ?? Infinity);
    return retry === Infinity ? {} : { retryAfterMs: retry };
  }

  /** activeDeadlineSeconds passed: the pod is stopped and fails with DeadlineExceeded */
  private async failPastDeadline(pod: Pod): Promise<SyncResult> {
    this.d.record(pod, 'Normal', DEADLINE_EXCEEDED.reason, DEADLINE_EXCEEDED.message);
    this.d.probes?.removePod(pod.metadata.uid ?? '');
    await this.stopPod(pod.metadata.uid ?? '', pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS, pod);
    await this.writeStatus(pod, new Map(), false, DEADLINE_EXCEEDED);
    return {};
  }

  /**
   * Stops one container as the kubelet's killContainer: its preStop hook (when it runs) within the
   * grace period, the Killing event, then SIGTERM and SIGKILL after what is left of the period, never
   * less than 2 s (minimumGracePeriodInSeconds) unless the grace period is an override (`forced`: the
   * pod's termination, eviction, deadline), which is used as it is.
   */
  private async killContainer(pod: Pod | undefined, c: { id: string; name: string }, graceSeconds: number, opts: { message?: string; forced?: boolean } = {}): Promise<void> {
    let grace = graceSeconds;
    const spec = pod ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((x) => x.name === c.name) : undefined;
    if (pod) this.d.record(pod, 'Normal', 'Killing', opts.message ?? `Stopping container ${c.name}`);
    if (pod && spec?.lifecycle?.preStop && grace > 0) {
      const status = await this.d.runtime.containerStatus(c.id).catch(() => undefined);
      if (status?.state === 'running') {
        const state = await this.readState(pod.metadata.uid ?? '');
        const ip = podIPOf(pod, state, this.d.node.hostIP);
        grace = await this.hooks.preStop({ pod, container: spec, containerId: c.id, ...(ip ? { podIP: ip } : {}) }, grace);
      }
    }
    if (!opts.forced) grace = Math.max(grace, MIN_GRACE_SECONDS);
    await this.d.runtime.stopContainer(c.id, grace);
  }

  /** the pod's volumes set up (or refreshed), or undefined after FailedMount events: nothing may start */
  private async mountVolumes(pod: Pod): Promise<PodVolumes | undefined> {
    if (!this.d.volumes) return new Map();
    const got = await this.d.volumes.mountPod(pod);
    if ('volumes' in got) return got.volumes;
    for (const f of got.failed) this.d.record(pod, 'Warning', 'FailedMount', `MountVolume.SetUp failed for volume ${JSON.stringify(f.volume)} : ${f.message}`);
    return undefined;
  }

  private readState(uid: string): Promise<PodRuntimeState> {
    return readPodState(this.d.runtime, uid, this.cache);
  }

  /** whether it changed anything in the runtime */
  private async carryOut(pod: Pod, actions: PodActions, state: PodRuntimeState, volumes: PodVolumes, signal?: AbortSignal): Promise<boolean> {
    const changed = actions.kill.length + actions.stopSandboxIds.length + actions.start.length > 0 || actions.createSandbox;
    const grace = pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    await Promise.all(
      actions.kill.map(async (k) => {
        const probe = k.reason === 'liveness' || k.reason === 'startup' ? pod.spec?.containers.find((c) => c.name === k.name)?.[`${k.reason}Probe`] : undefined;
        await this.killContainer(pod, k, probe?.terminationGracePeriodSeconds ?? grace, k.message !== undefined ? { message: k.message } : {});
      }),
    );
    for (const id of actions.stopSandboxIds) await this.d.runtime.stopPodSandbox(id, grace);
    const ready = actions.stopSandboxIds.length === 0 ? state.sandboxes.find((s) => s.state === 'ready') : undefined;
    let sandboxId = ready ? ready.id : (await this.d.runtime.listPodSandboxes({ podUid: pod.metadata.uid ?? '' })).find((s) => s.state === 'ready')?.id;
    let podIP: string | undefined = ready?.ip;
    if (actions.createSandbox) {
      const spec = pod.spec ?? { containers: [] };
      const dnsNode = this.d.dns ?? { clusterDNS: [], clusterDomain: DEFAULT_CLUSTER_DOMAIN, host: { servers: [], searches: [], options: [] } };
      const dns = podDNS(pod, dnsNode);
      for (const [reason, message] of dns.warnings) this.d.record(pod, 'Warning', reason, message);
      const { hostname, domain } = podHostnameAndDomain(pod, dnsNode.clusterDomain);
      const extraHosts = podExtraHosts(pod);
      let sandbox: PodSandboxStatus;
      try {
        sandbox = await this.d.runtime.runPodSandbox({
          pod: podRef(pod),
          attempt: actions.attempt,
          hostname,
          hostNetwork: Boolean(spec.hostNetwork),
          ports: sandboxPorts(spec),
          labels: { ...(pod.metadata.labels ?? {}) },
          ...(dns.config ? { dns: dns.config } : {}),
          ...(domain ? { domain } : {}),
          ...(extraHosts.length > 0 ? { extraHosts } : {}),
        });
      } catch (e) {
        // the runtime's own words (Docker's "port is already allocated"...) in the kubelet's event
        const message = `Failed to create pod sandbox: ${(e as Error).message}`;
        this.d.record(pod, 'Warning', 'FailedCreatePodSandBox', message);
        throw new PodSandboxError(message, { cause: e });
      }
      sandboxId = sandbox.id;
      podIP = sandbox.ip;
    } else if (sandboxId && !ready) {
      podIP = (await this.d.runtime.podSandboxStatus(sandboxId)).ip;
    }
    if (!sandboxId) return changed;
    for (const s of actions.start) {
      const waiting = await this.startContainer(pod, sandboxId, s.container, s.restartCount, podIP, volumes, signal);
      if (waiting) {
        // an instance that could not start counts as a crash for the back-off
        if (s.restart && waiting.waiting.reason === 'RunContainerError') this.d.backoff.next(backoffKey(pod, s.container.name), this.d.now());
        actions.waiting.set(s.container.name, waiting.waiting);
        if (waiting.retryAfterMs !== undefined) actions.retryAfterMs = Math.min(actions.retryAfterMs ?? Infinity, waiting.retryAfterMs);
        if (s.init) return changed;
        continue;
      }
      if (s.restart) this.d.backoff.next(backoffKey(pod, s.container.name), this.d.now());
    }
    for (const [name, w] of actions.waiting) {
      if (w.reason === 'CrashLoopBackOff') this.d.record(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${name} in pod ${pod.metadata.name}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`);
    }
    return changed;
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
    const ip = podIP ?? (pod.spec?.hostNetwork ? this.d.node.hostIP : undefined);
    const facts = ip ? { podIP: ip, hostIP: this.d.node.hostIP } : { hostIP: this.d.node.hostIP };
    let config;
    try {
      const env = envInput(pod, container, facts, {
        sources: this.d.envSources ?? noEnvSources,
        ...(this.d.allocatable ? { allocatable: this.d.allocatable } : {}),
        onInvalidKeys: (message) => this.d.record(pod, 'Warning', 'InvalidEnvironmentVariableNames', message),
      });
      config = containerConfig({ pod: podRef(pod), spec: pod.spec ?? { containers: [] }, container, restartCount, image: got.image, env, node: this.d.node });
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
    if (this.d.volumes && container.terminationMessagePath) {
      // the file the container writes its termination message to, its own per instance
      const file = await createTerminationMessageFile(this.d.volumes.podDir(pod.metadata.uid ?? ''), container.name);
      mounts.mounts.push({ hostPath: file, containerPath: container.terminationMessagePath, readOnly: false });
    }
    if (this.d.volumes && ip && mountsHostsFile(container)) {
      // the kubelet's managed /etc/hosts, written again at every container start
      const { hostname, domain } = podHostnameAndDomain(pod, this.d.dns?.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN);
      const file = await writePodHostsFile({
        podDir: this.d.volumes.podDir(pod.metadata.uid ?? ''),
        podIPs: [ip],
        hostname,
        ...(domain ? { domain } : {}),
        ...(pod.spec?.hostAliases ? { aliases: pod.spec.hostAliases } : {}),
        hostNetwork: Boolean(pod.spec?.hostNetwork),
        ...(this.d.nodeHostsPath ? { nodeHostsPath: this.d.nodeHostsPath } : {}),
      });
      mounts.mounts.push({ hostPath: file, containerPath: ETC_HOSTS_PATH, readOnly: false });
    }
    if (mounts.mounts.length > 0) config.mounts = mounts.mounts;
    const id = await this.d.runtime.createContainer(sandboxId, config);
    this.d.record(pod, 'Normal', 'Created', `Created container ${container.name}`);
    try {
      await this.d.runtime.startContainer(id);
    } catch (e) {
      // the kubelet's RunContainerError: the instance is there, exited without running (ContainerCannotRun),
      // and is restarted by the restart policy with back-off like a crash
      const message = (e as Error).message;
      this.d.record(pod, 'Warning', 'Failed', `Error: ${message}`);
      // synced again soon (the kubelet's worker requeues a failed sync): restarted, or CrashLoopBackOff
      return { waiting: { reason: 'RunContainerError', message }, retryAfterMs: RUN_CONTAINER_ERROR_RETRY_MS };
    }
    this.d.record(pod, 'Normal', 'Started', `Started container ${container.name}`);
    if (container.lifecycle?.postStart) {
      const failed = await this.hooks.postStart({ pod, container, containerId: id, ...(ip ? { podIP: ip } : {}) });
      if (failed) await this.killContainer(pod, { id, name: container.name }, pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS, { message: 'FailedPostStartHook' });
    }
    return undefined;
  }

  private async writeStatus(pod: Pod, waiting: ReadonlyMap<string, Waiting>, terminating = false, failed?: { reason: string; message: string }, read?: PodRuntimeState): Promise<void> {
    const state = read ?? (await this.readState(pod.metadata.uid ?? ''));
    if (!terminating && !failed) this.d.probes?.syncPod(pod, state, podIPOf(pod, state, this.d.node.hostIP));
    await this.messages.fill(pod, state).catch(() => undefined); // a log that cannot be read leaves the message empty
    const status = computePodStatus({
      pod,
      state,
      waiting,
      runtimeName: this.d.runtimeName,
      hostIP: this.d.node.hostIP,
      nowIso: new Date(this.d.now()).toISOString(),
      terminating,
      ...(this.d.probes ? { probes: this.d.probes } : {}),
      ...(failed ? { failed } : {}),
    });
    this.d.statuses.setStatus(pod, status);
  }

  /** The kubelet's eviction: an Evicted event, every container stopped with the eviction's grace period, phase Failed with reason Evicted. */
  private async evict(pod: Pod, message: string, graceSeconds: number): Promise<void> {
    this.d.record(pod, 'Warning', 'Evicted', message);
    await this.stopPod(pod.metadata.uid ?? '', graceSeconds, pod);
    const state = await this.readState(pod.metadata.uid ?? '');
    const status = computePodStatus({ pod, state, waiting: new Map(), runtimeName: this.d.runtimeName, hostIP: this.d.node.hostIP, nowIso: new Date(this.d.now()).toISOString(), terminating: true });
    this.d.statuses.setStatus(pod, { ...status, phase: 'Failed', reason: 'Evicted', message });
  }

  /** Stops every container (SIGTERM, SIGKILL after `graceSeconds`, an override used as it is) and the sandboxes of a pod. */
  async stopPod(uid: string, graceSeconds: number, pod?: Pod): Promise<void> {
    const containers = (await this.d.runtime.listContainers({ podUid: uid })).filter((c) => c.state === 'running' || c.state === 'created');
    await Promise.all(containers.map((c) => this.killContainer(pod, c, graceSeconds, { forced: true })));
    for (const s of await this.d.runtime.listPodSandboxes({ podUid: uid })) if (s.state === 'ready') await this.d.runtime.stopPodSandbox(s.id, graceSeconds);
  }

  /** A pod being deleted: stopped gracefully, its last status written, the object deleted, the runtime's objects removed. */
  async terminate(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata.uid ?? '';
    const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    this.d.probes?.removePod(uid);
    await this.stopPod(uid, grace, pod);
    // the final status goes out before the object is deleted (best effort: the object goes next)
    await this.writeStatus(pod, new Map(), true).catch(() => undefined);
    await this.d.statuses.flush(uid).catch(() => undefined);
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
    const containers = await this.d.runtime.listContainers({ podUid: uid });
    for (const c of containers) await this.d.runtime.removeContainer(c.id);
    this.messages.forget(containers.map((c) => c.id));
    for (const s of await this.d.runtime.listPodSandboxes({ podUid: uid })) await this.d.runtime.removePodSandbox(s.id);
    this.d.probes?.removePod(uid);
    await this.d.volumes?.unmountPod(uid);
    this.d.backoff.forget(`${uid}/`);
    this.d.images.forget(uid);
    this.d.statuses.forget(uid);
    this.evictions.delete(uid);
    this.cache.forget(uid);
  }
}
