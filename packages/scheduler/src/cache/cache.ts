// The scheduler's view of the cluster (Kubernetes' internal cache): nodes and the pods on them from
// informer events, plus "assumed" pods (placed by the scheduler, bind not yet seen in the watch) so
// the next cycle sees them at once. An assumed pod whose bind finished but never showed up in the
// watch expires after `assumedPodTtlMs`. Snapshots are updated incrementally by generation.
import { objectKey, type Node, type Pod } from '@skiff/api';
import { realClock, type Clock, type TimerHandle } from '@skiff/machinery';
import { nextGeneration, normalizedImageName } from '../framework/node-info.js';
import { podInfoOf } from '../framework/pod-info.js';
import type { Snapshot } from '../framework/snapshot.js';
import { NodeList, type NodeItem } from './node-list.js';

/**
 * 15 minutes: Kubernetes' value until v1.26, which then disabled expiry (0, issue #106361); Skiff
 * keeps an expiry because a lost bind must not hold a node's resources forever. 0 disables it.
 */
export const DEFAULT_ASSUMED_POD_TTL_MS = 15 * 60 * 1000;
/** How often expired assumed pods are cleaned up (Kubernetes' cleanAssumedPeriod). */
export const CLEAN_ASSUMED_PERIOD_MS = 1000;

interface PodState {
  pod: Pod;
  /** Set by finishBinding: when the assumed pod expires. */
  deadline: number | undefined;
  bindingFinished: boolean;
}

export class CacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheError';
  }
}

export interface CacheOptions {
  clock?: Clock;
  assumedPodTtlMs?: number;
}

export class Cache {
  private readonly clock: Clock;
  private readonly ttl: number;
  private readonly nodes = new NodeList();
  private readonly podStates = new Map<string, PodState>();
  private readonly assumed = new Set<string>();
  private readonly imageNodeCount = new Map<string, number>();
  /** Node names in the order they were added (the snapshot's list order). */
  private readonly nodeOrder = new Set<string>();
  private nodeSetChanged = true;
  private imagesChanged = true;
  private timer: TimerHandle | undefined;

  constructor(opts: CacheOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.ttl = opts.assumedPodTtlMs ?? DEFAULT_ASSUMED_POD_TTL_MS;
  }

  /** Starts the periodic clean-up of expired assumed pods. */
  run(signal: AbortSignal): void {
    const tick = (): void => {
      if (signal.aborted) return;
      this.cleanupExpiredAssumedPods();
      this.timer = this.clock.setTimeout(tick, CLEAN_ASSUMED_PERIOD_MS);
    };
    this.timer = this.clock.setTimeout(tick, CLEAN_ASSUMED_PERIOD_MS);
    signal.addEventListener('abort', () => this.timer && this.clock.clearTimeout(this.timer), { once: true });
  }

  get nodeCount(): number {
    return this.nodeOrder.size;
  }

  get podCount(): number {
    return this.podStates.size;
  }

  addNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const item = this.nodes.getOrCreate(name);
    if (item.info.node) this.countImages(item.info.node, -1);
    item.info.setNode(node);
    this.countImages(node, 1);
    this.nodes.moveToHead(item);
    if (!this.nodeOrder.has(name)) {
      this.nodeOrder.add(name);
      this.nodeSetChanged = true;
    }
  }

  updateNode(_old: Node | undefined, node: Node): void {
    this.addNode(node);
  }

  /** The node goes; its NodeInfo stays (without the Node) while pods are still on it. */
  removeNode(node: Node): void {
    const name = node.metadata.name ?? '';
    const item = this.nodes.get(name);
    if (!item) return;
    if (item.info.node) this.countImages(item.info.node, -1);
    item.info.node = undefined;
    item.info.generation = nextGeneration();
    if (item.info.pods.length === 0) this.nodes.remove(name);
    else this.nodes.moveToHead(item);
    this.nodeOrder.delete(name);
    this.nodeSetChanged = true;
  }

  /** An assigned pod from the informer; confirms it when it was assumed. */
  addPod(pod: Pod): void {
    const key = objectKey(pod);
    const state = this.podStates.get(key);
    if (state && this.assumed.has(key)) {
      if (state.pod.spec?.nodeName !== pod.spec?.nodeName) {
        // Bound somewhere else than assumed (another scheduler won): follow the apiserver.
        this.removePodFromNode(state.pod);
        this.addPodToNode(pod, state.pod);
      } else {
        this.replacePodOnNode(state.pod, pod);
      }
      this.assumed.delete(key);
      this.podStates.set(key, { pod, deadline: undefined, bindingFinished: false });
      return;
    }
    if (state) return this.updatePod(state.pod, pod);
    this.addPodToNode(pod);
    this.podStates.set(key, { pod, deadline: undefined, bindingFinished: false });
  }

  updatePod(_old: Pod | undefined, pod: Pod): void {
    const key = objectKey(pod);
    const state = this.podStates.get(key);
    if (!state) return this.addPod(pod);
    if (this.assumed.has(key)) return this.addPod(pod);
    if (state.pod.spec?.nodeName !== pod.spec?.nodeName) {
      this.removePodFromNode(state.pod);
      this.addPodToNode(pod, state.pod);
    } else {
      this.replacePodOnNode(state.pod, pod);
    }
    state.pod = pod;
  }

  removePod(pod: Pod): void {
    const key = objectKey(pod);
    const state = this.podStates.get(key);
    if (!state) return;
    this.removePodFromNode(state.pod);
    this.podStates.delete(key);
    this.assumed.delete(key);
  }

  /** The scheduler chose `pod.spec.nodeName` for the pod: count it there now. */
  assumePod(pod: Pod): void {
    const key = objectKey(pod);
    if (!pod.spec?.nodeName) throw new CacheError(`pod ${key} has no nodeName to assume`);
    if (this.podStates.has(key)) throw new CacheError(`pod ${key} is in the cache, so can't be assumed`);
    this.addPodToNode(pod);
    this.podStates.set(key, { pod, deadline: undefined, bindingFinished: false });
    this.assumed.add(key);
  }

  /** The bind call returned: the expiry clock of the assumed pod starts. */
  finishBinding(pod: Pod): void {
    const key = objectKey(pod);
    const state = this.podStates.get(key);
    if (!state || !this.assumed.has(key)) return;
    state.bindingFinished = true;
    state.deadline = this.ttl > 0 ? this.clock.now() + this.ttl : undefined;
  }

  /** The bind failed: the assumed pod leaves its node. */
  forgetPod(pod: Pod): void {
    const key = objectKey(pod);
    const state = this.podStates.get(key);
    if (!state || !this.assumed.has(key)) return;
    if (state.pod.spec?.nodeName !== pod.spec?.nodeName) throw new CacheError(`pod ${key} was assumed on ${state.pod.spec?.nodeName} but forgotten on ${pod.spec?.nodeName}`);
    this.removePod(state.pod);
  }

  isAssumedPod(pod: Pod): boolean {
    return this.assumed.has(objectKey(pod));
  }

  /** Removes assumed pods whose bind finished more than the TTL ago; returns their keys. */
  cleanupExpiredAssumedPods(now = this.clock.now()): string[] {
    const expired: string[] = [];
    for (const key of this.assumed) {
      const s = this.podStates.get(key);
      if (!s?.bindingFinished || s.deadline === undefined || now < s.deadline) continue;
      this.removePod(s.pod);
      expired.push(key);
    }
    return expired;
  }

  /** Brings `snapshot` up to date, copying only the NodeInfos changed since its generation. */
  updateSnapshot(snapshot: Snapshot): void {
    let rebuild = this.nodeSetChanged;
    for (let item: NodeItem | undefined = this.nodes.head; item && item.info.generation > snapshot.generation; item = item.next) {
      const info = item.info;
      if (!info.node) continue;
      const name = info.name;
      const existing = snapshot.nodeInfoMap.get(name);
      if (!existing) {
        snapshot.nodeInfoMap.set(name, info.clone());
        rebuild = true;
        continue;
      }
      if ((existing.podsWithAffinity.length > 0) !== (info.podsWithAffinity.length > 0)) rebuild = true;
      if ((existing.podsWithRequiredAntiAffinity.length > 0) !== (info.podsWithRequiredAntiAffinity.length > 0)) rebuild = true;
      // In place, so the snapshot's lists keep pointing at the current NodeInfo.
      existing.copyFrom(info);
    }
    if (this.nodes.head) snapshot.generation = Math.max(snapshot.generation, this.nodes.head.info.generation);
    if (this.nodeSetChanged) {
      for (const name of snapshot.nodeInfoMap.keys()) if (!this.nodeOrder.has(name)) snapshot.nodeInfoMap.delete(name);
      this.nodeSetChanged = false;
    }
    if (rebuild) snapshot.rebuildLists(this.nodeOrder);
    if (this.imagesChanged) {
      snapshot.imageNodeCount = new Map(this.imageNodeCount);
      this.imagesChanged = false;
    }
  }

  /** `previous`: an earlier version of the pod, whose PodInfo is reused when its inputs did not change. */
  private addPodToNode(pod: Pod, previous?: Pod): void {
    const item = this.nodes.getOrCreate(pod.spec?.nodeName ?? '');
    item.info.addPodInfo(podInfoOf(pod, previous && podInfoOf(previous)));
    this.nodes.moveToHead(item);
  }

  private removePodFromNode(pod: Pod): void {
    const name = pod.spec?.nodeName ?? '';
    const item = this.nodes.get(name);
    if (!item) return;
    item.info.removePod(objectKey(pod));
    if (!item.info.node && item.info.pods.length === 0) this.nodes.remove(name);
    else this.nodes.moveToHead(item);
  }

  private replacePodOnNode(old: Pod, pod: Pod): void {
    if (old === pod) return;
    this.removePodFromNode(old);
    this.addPodToNode(pod, old);
  }

  private countImages(node: Node, sign: 1 | -1): void {
    for (const img of node.status?.images ?? []) {
      for (const n of img.names ?? []) {
        const name = normalizedImageName(n);
        const c = (this.imageNodeCount.get(name) ?? 0) + sign;
        if (c <= 0) this.imageNodeCount.delete(name);
        else this.imageNodeCount.set(name, c);
        this.imagesChanged = true;
      }
    }
  }
}
