// What the process does with each outcome of the scheduling loop (the SchedulerHooks):
//   scheduled: Event Scheduled "Successfully assigned ns/pod to node"; metrics; a nominated pod's
//              status.nominatedNodeName cleared.
//   failed:    unless the pod is gone or already bound (another scheduler, a re-list): Event
//              FailedScheduling with the summary; preemption's victims deleted gracefully, each with
//              an Event Preempted naming the preemptor; the nominations of lower-priority pods to
//              the preemptor's node cleared; the explanation annotation (rejected nodes)
//              patched when it changed; status patched (PodScheduled=False, nominatedNodeName) only
//              when it changed; metrics.
// (A placement's explanation goes with the bind itself: ClientPodBinder.)
// Writes are asynchronous and never throw into the loop: failures are logged (the next attempt or
// the informer's view corrects them).
import { PLACEMENT_EXPLANATION_ANNOTATION, isApiError, objectKey, type Pod } from '@skiff/api';
import type { Clientset, Clock, EventRecorder, Logger } from '@skiff/machinery';
import type { Explanation } from '../schedule/explanation.js';
import { explanationAnnotations } from '../schedule/explanation-annotation.js';
import type { AttemptInfo, FailureInfo, SchedulerHooks } from '../scheduler.js';
import type { SchedulerMetrics } from './metrics.js';
import { failureStatusPatch } from './pod-status.js';

export interface OutcomeWriterOptions {
  cs: Clientset;
  recorder: EventRecorder;
  /** The pod as the informer has it now (undefined: deleted). */
  currentPod(namespace: string, name: string): Pod | undefined;
  metrics: SchedulerMetrics;
  clock: Clock;
  log: Logger;
}

export class OutcomeWriter implements SchedulerHooks {
  private readonly writes = new Set<Promise<void>>();

  constructor(private readonly o: OutcomeWriterOptions) {}

  scheduled(pod: Pod, nodeName: string, _explanation: Explanation, attempt: AttemptInfo): void {
    this.o.metrics.attempt('scheduled', attempt);
    this.o.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${objectKey(pod)} to ${nodeName}`);
    // A nominated pod is bound (on its nominated node or elsewhere): its nomination is over
    // (Kubernetes' ClearingNominatedNodeNameAfterBinding, beta since 1.35).
    if (pod.status?.nominatedNodeName) this.track(this.clearNomination(pod, this.o.log.child({ pod: objectKey(pod) })));
  }

  failed(pod: Pod, failure: FailureInfo, attempt: AttemptInfo): void {
    this.o.metrics.attempt(failure.reason === 'Unschedulable' ? 'unschedulable' : 'error', attempt);
    const cur = this.o.currentPod(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '');
    if (!cur || cur.metadata.uid !== pod.metadata.uid || cur.spec?.nodeName) return;
    this.o.recorder.event(cur, 'Warning', 'FailedScheduling', failure.message);
    const victims = failure.victims ?? [];
    if (failure.nominatedNodeName && victims.length) this.o.metrics.preemption(victims.length);
    this.track(this.write(cur, failure, victims));
  }

  /** Waits for the writes in flight. */
  async drain(): Promise<void> {
    while (this.writes.size) await Promise.allSettled([...this.writes]);
  }

  private async write(pod: Pod, failure: FailureInfo, victims: Pod[]): Promise<void> {
    const log = this.o.log.child({ pod: objectKey(pod) });
    // As Kubernetes' preemption: the victims go first, then the preemptor's nominated node.
    await Promise.all(victims.map((v) => this.evict(v, pod, failure.nominatedNodeName ?? '', log)));
    // Lower-priority pods nominated to that node may no longer fit there (prepareCandidate).
    await Promise.all((failure.clearNominations ?? []).map((p) => this.clearNomination(p, log)));
    await this.writeStatus(pod, failure, log);
  }

  /** Removes status.nominatedNodeName (the pod's uid as precondition: a namesake is left alone). */
  private async clearNomination(pod: Pod, log: Logger): Promise<void> {
    try {
      const body = { metadata: { uid: pod.metadata.uid }, status: { nominatedNodeName: null } };
      await this.o.cs.pods(pod.metadata.namespace ?? 'default').patch(pod.metadata.name ?? '', body, { subresource: 'status', patchType: 'application/strategic-merge-patch+json' });
    } catch (err) {
      if (!(isApiError(err) && err.code === 'NOT_FOUND')) log.warn('clearing a nomination failed', { nominated: objectKey(pod), err });
    }
  }

  /**
   * Patches the explanation annotation, then the status, each only when it changed and with the
   * pod's uid and resourceVersion as preconditions, so that a pod bound meanwhile (by another
   * scheduler, or a bind the informer has not shown yet) never gets PodScheduled=False nor a stale
   * explanation: on a conflict the pod is read again and the patches recomputed, or dropped.
   */
  private async writeStatus(pod: Pod, failure: FailureInfo, log: Logger): Promise<void> {
    const client = this.o.cs.pods(pod.metadata.namespace ?? 'default');
    const annotations = failure.explanation ? explanationAnnotations(failure.explanation) : undefined;
    let cur: Pod | undefined = pod;
    for (let tries = 0; cur && tries < 3; tries++) {
      if (cur.spec?.nodeName || cur.metadata.uid !== pod.metadata.uid) return;
      try {
        const explained = annotations?.[PLACEMENT_EXPLANATION_ANNOTATION];
        if (explained !== undefined && cur.metadata.annotations?.[PLACEMENT_EXPLANATION_ANNOTATION] !== explained) {
          const meta = { metadata: { uid: cur.metadata.uid, resourceVersion: cur.metadata.resourceVersion, annotations } };
          cur = await client.patch(cur.metadata.name ?? '', meta);
        }
        const patch = failureStatusPatch(cur, failure, new Date(this.o.clock.now()).toISOString());
        if (!patch) return;
        const body = { metadata: { uid: cur.metadata.uid, resourceVersion: cur.metadata.resourceVersion }, ...patch };
        await client.patch(cur.metadata.name ?? '', body, { subresource: 'status', patchType: 'application/strategic-merge-patch+json' });
        return;
      } catch (err) {
        if (!(isApiError(err) && err.code === 'ABORTED')) return void log.warn('updating the pod status failed', { err });
      }
      cur = await client.get(cur.metadata.name ?? '').catch(() => undefined);
    }
  }

  private async evict(victim: Pod, preemptor: Pod, node: string, log: Logger): Promise<void> {
    this.o.recorder.event(victim, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${node}`);
    try {
      // Graceful: the pod's own grace period; the uid makes sure a namesake created since is spared.
      await this.o.cs.pods(victim.metadata.namespace ?? 'default').delete(victim.metadata.name ?? '', { preconditions: { uid: victim.metadata.uid } });
    } catch (err) {
      log.warn('deleting a preemption victim failed', { victim: objectKey(victim), err });
    }
  }

  private track(p: Promise<void>): void {
    this.writes.add(p);
    void p.finally(() => this.writes.delete(p));
  }
}
