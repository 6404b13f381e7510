// Runs one profile's plugins at each extension point (Kubernetes' frameworkImpl): in configured
// order, stopping at the first rejection, score normalization and weights applied here.
import type { CycleState } from './cycle-state.js';
import type { ClusterEventWithHint } from './events.js';
import {
  isBind,
  isEnqueueExtensions,
  isFilter,
  isPermit,
  isPostFilter,
  isPreFilter,
  isPreScore,
  isQueueSort,
  isReserve,
  isScore,
  MAX_NODE_SCORE,
  type BindPlugin,
  type FilterPlugin,
  type FilterRunner,
  type Handle,
  type PermitPlugin,
  type Plugin,
  type PluginFactory,
  type PodBinder,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreFilterPlugin,
  type PreScorePlugin,
  type QueueSortPlugin,
  type ReservePlugin,
  type ScorePlugin,
} from './interface.js';
import type { NodeInfo } from './node-info.js';
import type { Nominator } from './nominator.js';
import type { PodInfo } from './pod-info.js';
import type { ResolvedProfile } from './profile.js';
import type { Snapshot } from './snapshot.js';
import { Code, Status } from './status.js';

export interface FrameworkOptions {
  registry: ReadonlyMap<string, PluginFactory>;
  /** Pods nominated by preemption; their room is kept for them (shared by every profile). */
  nominator?: Nominator;
  /** The snapshot of the cycle in progress (the cache's, updated before each cycle). */
  snapshot: () => Snapshot;
  binder?: PodBinder;
}

/**
 * Per-plugin weighted scores of one cycle: scores[i][j] is plugin i's contribution for node j. The
 * arrays are the framework's own buffers, reused by its next runScorePlugins: read them before.
 */
export interface PluginScores {
  plugins: string[];
  scores: Float64Array[];
  total: Float64Array;
}

function pick<T extends Plugin>(names: string[], get: (n: string) => Plugin, is: (p: Plugin) => p is T, point: string): T[] {
  return names.map((n) => {
    const p = get(n);
    if (!is(p)) throw new Error(`plugin ${n} does not implement ${point}`);
    return p;
  });
}

export class Framework implements FilterRunner {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number;
  readonly queueSortPlugin: QueueSortPlugin;
  readonly preFilterPlugins: PreFilterPlugin[];
  readonly filterPlugins: FilterPlugin[];
  readonly postFilterPlugins: PostFilterPlugin[];
  readonly preScorePlugins: PreScorePlugin[];
  readonly scorePlugins: { plugin: ScorePlugin; weight: number }[];
  readonly reservePlugins: ReservePlugin[];
  readonly permitPlugins: PermitPlugin[];
  readonly bindPlugins: BindPlugin[];
  /** Plugin name -> the events that may undo its rejections. */
  readonly eventsToRegister = new Map<string, ClusterEventWithHint[]>();
  private readonly instances = new Map<string, Plugin>();
  private readonly nominator: Nominator | undefined;
  /** runScorePlugins' arrays (per score plugin, then the total), grown as needed: a cycle allocates none. */
  private readonly scoreBuffers: Float64Array[] = [];

  constructor(profile: ResolvedProfile, opts: FrameworkOptions) {
    this.profileName = profile.schedulerName;
    this.nominator = opts.nominator;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const handle: Handle = { snapshot: opts.snapshot, framework: () => this, binder: opts.binder, nominatedNodeOf: (pod) => this.nominator?.nominatedNodeOf(pod) };
    const get = (name: string): Plugin => {
      let p = this.instances.get(name);
      if (!p) {
        const factory = opts.registry.get(name);
        if (!factory) throw new Error(`profile ${profile.schedulerName}: plugin ${name} is not registered`);
        p = factory(profile.pluginArgs[name], handle);
        this.instances.set(name, p);
      }
      return p;
    };
    const queueSort = pick(profile.queueSort, get, isQueueSort, 'QueueSort');
    if (queueSort.length !== 1) throw new Error(`profile ${profile.schedulerName}: exactly one queueSort plugin is needed, got ${queueSort.length}`);
    this.queueSortPlugin = queueSort[0];
    this.preFilterPlugins = pick(profile.preFilter, get, isPreFilter, 'PreFilter');
    this.filterPlugins = pick(profile.filter, get, isFilter, 'Filter');
    this.postFilterPlugins = pick(profile.postFilter, get, isPostFilter, 'PostFilter');
    this.preScorePlugins = pick(profile.preScore, get, isPreScore, 'PreScore');
    this.scorePlugins = profile.score.map((w) => ({ plugin: pick([w.name], get, isScore, 'Score')[0], weight: w.weight }));
    this.reservePlugins = pick(profile.reserve, get, isReserve, 'Reserve');
    this.permitPlugins = pick(profile.permit, get, isPermit, 'Permit');
    this.bindPlugins = pick(profile.bind, get, isBind, 'Bind');
    for (const p of this.instances.values()) if (isEnqueueExtensions(p)) this.eventsToRegister.set(p.name, p.eventsToRegister());
  }

  /** The plugin instance of this profile with this name (tests, explanations). */
  plugin(name: string): Plugin | undefined {
    return this.instances.get(name);
  }

  /** The first non-success PreFilter status; Skip marks the plugin's Filter as skipped. */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const p of this.preFilterPlugins) {
      const s = p.preFilter(state, pod, nodes);
      if (s.code === Code.Skip) state.skipFilterPlugins.add(p.name);
      else if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    const skip = state.skipFilterPlugins;
    state.filterPlugins = skip.size ? this.filterPlugins.filter((p) => !skip.has(p.name)) : this.filterPlugins;
    return Status.SUCCESS;
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, nodeInfo: NodeInfo): Status {
    for (const p of this.preFilterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions?.()?.addPod(state, pod, podToAdd, nodeInfo);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, nodeInfo: NodeInfo): Status {
    for (const p of this.preFilterPlugins) {
      if (state.skipFilterPlugins.has(p.name)) continue;
      const s = p.preFilterExtensions?.()?.removePod(state, pod, podToRemove, nodeInfo);
      if (s && !s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /** Success, or the first plugin's rejection (or error) with the plugin's name on it. */
  runFilterPlugins(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const plugins = state.filterPlugins ?? this.filterPlugins.filter((p) => !state.skipFilterPlugins.has(p.name));
    for (let i = 0; i < plugins.length; i++) {
      const p = plugins[i];
      const s = p.filter(state, pod, nodeInfo);
      if (s.code !== Code.Success) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Filters with the nominated pods of equal or higher priority counted on the node (when there are
   * any), then without them: the pod must fit both ways, as in Kubernetes.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, nodeInfo: NodeInfo): Status {
    const nominated = this.nominator?.size ? this.nominator.nominatedPodsForNode(nodeInfo.name) : undefined;
    if (nominated?.length) {
      let withNominated: NodeInfo | undefined;
      let stateWith = state;
      for (const p of nominated) {
        if (p.key === pod.key || p.priority < pod.priority) continue;
        if (!withNominated) {
          withNominated = nodeInfo.clone();
          stateWith = state.clone();
        }
        withNominated.addPodInfo(p);
        const s = this.runPreFilterExtensionAddPod(stateWith, pod, p, withNominated);
        if (!s.isSuccess()) return s;
      }
      if (withNominated) {
        const s = this.runFilterPlugins(stateWith, pod, withNominated);
        if (!s.isSuccess()) return s;
      }
    }
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  /** The first PostFilter that succeeds (or errors) wins; otherwise the last rejection. */
  runPostFilterPlugins(state: CycleState, pod: PodInfo, nodeStatuses: ReadonlyMap<string, Status>): PostFilterResult {
    let last: PostFilterResult = { status: Status.unschedulable() };
    for (const p of this.postFilterPlugins) {
      const r = p.postFilter(state, pod, nodeStatuses);
      if (r.status.isSuccess() || r.status.code === Code.Error) return { ...r, status: r.status.withPlugin(p.name) };
      last = { ...r, status: r.status.withPlugin(p.name) };
    }
    return last;
  }

  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const p of this.preScorePlugins) {
      const s = p.preScore(state, pod, nodes);
      if (s.code === Code.Skip) state.skipScorePlugins.add(p.name);
      else if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /**
   * Scores, normalizes and weights every node; per plugin and in total. The result lives in this
   * framework's buffers until its next call (cycles are synchronous and read it at once).
   */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): PluginScores {
    const total = this.scoreBuffer(this.scorePlugins.length, nodes.length).fill(0);
    const out: PluginScores = { plugins: [], scores: [], total };
    for (let k = 0; k < this.scorePlugins.length; k++) {
      const { plugin, weight } = this.scorePlugins[k];
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const scores = this.scoreBuffer(k, nodes.length);
      for (let i = 0; i < nodes.length; i++) scores[i] = plugin.score(state, pod, nodes[i]);
      plugin.normalizeScore?.(state, pod, nodes, scores);
      for (let i = 0; i < nodes.length; i++) {
        const s = scores[i];
        if (!(s >= 0 && s <= MAX_NODE_SCORE)) throw new Error(`plugin ${plugin.name} returned an invalid score ${s} for node ${nodes[i].name}`);
        scores[i] = s * weight;
        total[i] += scores[i];
      }
      out.plugins.push(plugin.name);
      out.scores.push(scores);
    }
    return out;
  }

  /** Buffer `i` as an array of `n` values (their contents are stale: the caller writes every one). */
  private scoreBuffer(i: number, n: number): Float64Array {
    let b = this.scoreBuffers[i];
    if (!b || b.length < n) {
      b = new Float64Array(Math.max(n, 2 * (b?.length ?? 0), 64));
      this.scoreBuffers[i] = b;
    }
    return b.subarray(0, n);
  }

  runReservePluginsReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const p of this.reservePlugins) {
      const s = p.reserve(state, pod, nodeName);
      if (!s.isSuccess()) return s.withPlugin(p.name);
    }
    return Status.SUCCESS;
  }

  /** In reverse order, as Kubernetes. */
  runReservePluginsUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) this.reservePlugins[i].unreserve(state, pod, nodeName);
  }

  /** Success, a rejection, or Wait with the shortest timeout among the plugins that wait. */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): { status: Status; timeoutMs?: number } {
    let wait: { status: Status; timeoutMs?: number } | undefined;
    for (const p of this.permitPlugins) {
      const r = p.permit(state, pod, nodeName);
      if (r.status.code === Code.Wait) {
        const t = r.timeoutMs ?? 0;
        if (!wait || t < (wait.timeoutMs ?? Infinity)) wait = { status: r.status.withPlugin(p.name), timeoutMs: t };
      } else if (!r.status.isSuccess()) {
        return { status: r.status.withPlugin(p.name) };
      }
    }
    return wait ?? { status: Status.SUCCESS };
  }

  /** The first bind plugin that does not Skip binds. */
  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const p of this.bindPlugins) {
      const s = await p.bind(state, pod, nodeName);
      if (s.code !== Code.Skip) return s.withPlugin(p.name);
    }
    return new Status(Code.Error, ['no bind plugin bound the pod']);
  }
}
