// The scheduling loop (Kubernetes' scheduleOne): pop a pod, update the snapshot, run the profile's
// cycle; on success assume it in the cache, Reserve, Permit, and bind asynchronously; on "no fit"
// run PostFilter (preemption) and requeue. Talking to the apiserver (informers, Bind, Events, status,
// deleting victims) is the wiring's part, through `binder` and `hooks`.
import type { PlacementAnswer, Pod } from '@skiff/api';
import { realClock, type Clock } from '@skiff/machinery';
import { Cache } from './cache/cache.js';
import type { SchedulerConfig } from './config/resolve.js';
import { DEFAULT_SCHEDULER_NAME } from './config/types.js';
import { CycleState } from './framework/cycle-state.js';
import type { ClusterEventWithHint } from './framework/events.js';
import { Framework } from './framework/framework.js';
import type { PluginFactory, PodBinder } from './framework/interface.js';
import { Nominator } from './framework/nominator.js';
import { PodInfo, setPodInfo } from './framework/pod-info.js';
import type { QueuedPodInfo } from './framework/queued-pod-info.js';
import { Snapshot } from './framework/snapshot.js';
import { Code, SchedulingError, Status } from './framework/status.js';
import { SchedulingQueue } from './queue/scheduling-queue.js';
import { DEFAULT_MAX_REJECTED, explainRejections, type Explanation } from './schedule/explanation.js';
import { ANNOTATION_LIMITS, explanationAnnotations, type PlacementLimits } from './schedule/explanation-annotation.js';
import { FitError } from './schedule/fit-error.js';
import { answerPlacement } from './schedule/placement-answer.js';
import { SchedulingAlgorithm, type ScheduleResult } from './schedule/schedule-pod.js';

/** The pod names a schedulerName none of this scheduler's profiles has. */
export class NoProfileError extends Error {
  constructor(
    readonly schedulerName: string,
    readonly profiles: string[],
  ) {
    super(`this scheduler has no profile "${schedulerName}" (its profiles: ${profiles.join(', ')}); pods naming it are left to another scheduler`);
    this.name = 'NoProfileError';
  }
}

export interface FailureInfo {
  /** Unschedulable (no node fits) or SchedulerError (a plugin or the bind failed). */
  reason: 'Unschedulable' | 'SchedulerError';
  /** For Unschedulable: Kubernetes' summary "0/3 nodes are available: ...". */
  message: string;
  /** Set when preemption chose a node: write status.nominatedNodeName. */
  nominatedNodeName?: string;
  /** Pods to delete for the preemptor (with an event naming it). */
  victims?: Pod[];
  /** Lower-priority pods that were nominated to the preemptor's node: clear their status.nominatedNodeName. */
  clearNominations?: Pod[];
  explanation?: Explanation;
}

/** When the attempt that ended began, for latency metrics (ms since the epoch, the scheduler's clock). */
export interface AttemptInfo {
  /** This attempt's start (popped from the queue). */
  startMs: number;
  /** When the pod first entered the queue. */
  initialAttemptMs: number;
  /** Attempts so far, this one included. */
  attempts: number;
  /** The profile (schedulerName) that ran the attempt. */
  profile: string;
}

/** What the wiring does with outcomes: events, pod status, deleting victims. */
export interface SchedulerHooks {
  scheduled?(pod: Pod, nodeName: string, explanation: Explanation, attempt: AttemptInfo): void;
  failed?(pod: Pod, failure: FailureInfo, attempt: AttemptInfo): void;
}

export interface SchedulerOptions {
  config: SchedulerConfig;
  registry: ReadonlyMap<string, PluginFactory>;
  binder?: PodBinder;
  hooks?: SchedulerHooks;
  clock?: Clock;
  random?: () => number;
  assumedPodTtlMs?: number;
}

export class Scheduler {
  readonly cache: Cache;
  readonly queue: SchedulingQueue;
  readonly profiles = new Map<string, Framework>();
  readonly snapshot = new Snapshot();
  /** Pods preemption nominated to a node; the wiring also feeds it from status.nominatedNodeName. */
  readonly nominator = new Nominator();
  private readonly algorithm: SchedulingAlgorithm;
  private readonly hooks: SchedulerHooks;
  private readonly binds = new Set<Promise<void>>();
  private readonly clock: Clock;

  constructor(opts: SchedulerOptions) {
    const clock = opts.clock ?? realClock;
    this.clock = clock;
    this.hooks = opts.hooks ?? {};
    this.cache = new Cache({ clock, assumedPodTtlMs: opts.assumedPodTtlMs });
    for (const p of opts.config.profiles) {
      this.profiles.set(p.schedulerName, new Framework(p, { registry: opts.registry, snapshot: () => this.snapshot, binder: opts.binder, nominator: this.nominator }));
    }
    const first = [...this.profiles.values()][0];
    const events = new Map<string, ClusterEventWithHint[]>();
    for (const f of this.profiles.values()) for (const [k, v] of f.eventsToRegister) events.set(k, v);
    this.queue = new SchedulingQueue({
      less: (a, b) => first.queueSortPlugin.less(a, b),
      eventsToRegister: events,
      clock,
      podInitialBackoffMs: opts.config.podInitialBackoffMs,
      podMaxBackoffMs: opts.config.podMaxBackoffMs,
    });
    this.algorithm = new SchedulingAlgorithm({ percentageOfNodesToScore: opts.config.percentageOfNodesToScore, random: opts.random });
  }

  /** Whether one of this scheduler's profiles handles the pod (spec.schedulerName). */
  responsibleFor(pod: Pod): boolean {
    return this.profiles.has(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
  }

  /** Pops and schedules pods until the signal aborts. */
  async run(signal: AbortSignal): Promise<void> {
    this.queue.run(signal);
    this.cache.run(signal);
    for (;;) {
      const q = await this.queue.pop(signal);
      if (!q) break;
      this.scheduleOne(q);
    }
    await this.drain();
  }

  /** Waits for the binds in flight. */
  async drain(): Promise<void> {
    while (this.binds.size) await Promise.allSettled([...this.binds]);
  }

  /**
   * Where a pod that is not created would go now, and why not elsewhere: every node filtered, nothing
   * assumed, bound or evicted (schedule/placement-answer.ts). Throws NoProfileError when no profile
   * of this scheduler handles the pod's schedulerName.
   */
  explain(pod: Pod, limits: PlacementLimits = ANNOTATION_LIMITS): PlacementAnswer {
    const fwk = this.frameworkFor(pod);
    this.cache.updateSnapshot(this.snapshot);
    return answerPlacement(fwk, this.snapshot, pod, limits);
  }

  /** One scheduling cycle for a popped pod; the bind continues asynchronously. */
  scheduleOne(q: QueuedPodInfo): void {
    const pod = q.podInfo.pod;
    const fwk = this.profiles.get(pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME);
    if (!fwk || pod.metadata.deletionTimestamp) return this.queue.done(q.podInfo.key);
    const cycle = this.queue.schedulingCycle;
    const attempt: AttemptInfo = { startMs: this.clock.now(), initialAttemptMs: q.initialAttemptTimestamp, attempts: q.attempts, profile: fwk.profileName };
    this.cache.updateSnapshot(this.snapshot);
    const state = new CycleState();
    let result: ScheduleResult | FitError;
    try {
      result = this.algorithm.schedulePod(fwk, state, q.podInfo, this.snapshot);
    } catch (err) {
      return this.fail(q, cycle, { reason: 'SchedulerError', message: (err as Error).message }, err instanceof SchedulingError ? [err.plugin] : [], attempt);
    }
    if (result instanceof FitError) {
      const post = fwk.runPostFilterPlugins(state, q.podInfo, result.diagnosis.nodeToStatus);
      if (!post.status.isSuccess() && post.status.message()) result.diagnosis.postFilterMsg = post.status.message();
      const cleared = post.nominatedNodeName ? this.nominate(q.podInfo, post.nominatedNodeName) : [];
      const explanation: Explanation = { candidates: [], ...explainRejections(result.diagnosis.nodeToStatus, DEFAULT_MAX_REJECTED), evaluatedNodes: result.diagnosis.nodeToStatus.size, feasibleNodes: 0 };
      const failure: FailureInfo = {
        reason: 'Unschedulable',
        message: result.message,
        nominatedNodeName: post.nominatedNodeName,
        victims: post.victims,
        ...(cleared.length ? { clearNominations: cleared } : {}),
        explanation,
      };
      return this.fail(q, cycle, failure, [...result.diagnosis.unschedulablePlugins], attempt);
    }
    const host = result.suggestedHost;
    // Objects from informers are read-only: a shallow copy with the node set, its parse reused.
    const assumed: Pod = { ...pod, spec: { ...(pod.spec ?? { containers: [] }), nodeName: host } };
    const assumedInfo = new PodInfo(assumed, q.podInfo);
    setPodInfo(assumed, assumedInfo);
    this.cache.assumePod(assumed);
    this.nominator.delete(pod);
    const reserve = fwk.runReservePluginsReserve(state, assumedInfo, host);
    const permit = reserve.isSuccess() ? fwk.runPermitPlugins(state, assumedInfo, host) : { status: reserve };
    if (!permit.status.isSuccess()) {
      fwk.runReservePluginsUnreserve(state, assumedInfo, host);
      this.cache.forgetPod(assumed);
      const msg = permit.status.code === Code.Wait ? 'permit plugins that wait are not supported yet' : permit.status.message();
      return this.fail(q, cycle, { reason: 'SchedulerError', message: msg }, permit.status.plugin ? [permit.status.plugin] : [], attempt);
    }
    const bind = this.bindingCycle(fwk, state, q, assumed, assumedInfo, host, result.explanation, cycle, attempt);
    this.binds.add(bind);
    void bind.catch(() => undefined).finally(() => this.binds.delete(bind));
  }

  private async bindingCycle(fwk: Framework, state: CycleState, q: QueuedPodInfo, assumed: Pod, info: PodInfo, host: string, explanation: Explanation, cycle: number, attempt: AttemptInfo): Promise<void> {
    let status: Status;
    state.bindingAnnotations = explanationAnnotations(explanation, host);
    try {
      status = await fwk.runBindPlugins(state, info, host);
    } catch (err) {
      status = Status.error(err);
    }
    if (status.isSuccess()) {
      this.cache.finishBinding(assumed);
      this.queue.done(q.podInfo.key);
      this.hooks.scheduled?.(q.podInfo.pod, host, explanation, attempt);
      return;
    }
    fwk.runReservePluginsUnreserve(state, info, host);
    this.cache.forgetPod(assumed);
    this.fail(q, cycle, { reason: 'SchedulerError', message: `binding rejected: ${status.message()}` }, [], attempt);
  }

  /**
   * Records the preemptor's nomination and, as Kubernetes' prepareCandidate, drops the nominations
   * of lower-priority pods to the same node (they may no longer fit there); returns those pods, whose
   * status.nominatedNodeName the wiring clears.
   */
  private nominate(preemptor: PodInfo, nodeName: string): Pod[] {
    const lower = this.nominator.lowerPriorityNominatedPods(nodeName, preemptor.priority).filter((p) => p.key !== preemptor.key);
    for (const p of lower) this.nominator.delete(p.pod);
    this.nominator.add(preemptor, nodeName);
    return lower.map((p) => p.pod);
  }

  private fail(q: QueuedPodInfo, cycle: number, failure: FailureInfo, plugins: string[], attempt: AttemptInfo): void {
    q.unschedulablePlugins = new Set(plugins.filter((p) => p));
    this.queue.addUnschedulableIfNotPresent(q, cycle);
    this.hooks.failed?.(q.podInfo.pod, failure, attempt);
  }

  private frameworkFor(pod: Pod): Framework {
    const name = pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME;
    const fwk = this.profiles.get(name);
    if (!fwk) throw new NoProfileError(name, [...this.profiles.keys()]);
    return fwk;
  }
}
