// A pod with what the scheduler derives from it once: requests, parsed affinity terms, host ports.
import { labelSelectorFromObject, objectKey, type Container, type Pod, type PodAffinityTerm, type ResourceList, type Selector } from '@skiff/api';
import { podRequestsAndNonZero, type Resource } from './resource.js';

/** A pod (anti-)affinity term with its selectors parsed. */
export interface AffinityTerm {
  /** Namespaces the term applies to; empty with `allNamespaces` false means the pod's own. */
  namespaces: ReadonlySet<string>;
  /** An empty namespaceSelector ({}): every namespace. */
  allNamespaces: boolean;
  selector: Selector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export interface HostPort {
  /** "0.0.0.0" when unset. */
  ip: string;
  /** TCP, UDP, SCTP. */
  protocol: string;
  port: number;
}

function affinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  const namespaces = new Set(t.namespaces ?? []);
  const allNamespaces = t.namespaceSelector !== undefined && Object.keys(t.namespaceSelector).length === 0;
  if (namespaces.size === 0 && t.namespaceSelector === undefined) namespaces.add(pod.metadata.namespace ?? 'default');
  return { namespaces, allNamespaces, selector: labelSelectorFromObject(t.labelSelector), topologyKey: t.topologyKey };
}

/** Whether `term` (of some pod) selects `pod`: namespace and labels. */
export function termMatches(term: AffinityTerm, pod: Pod): boolean {
  if (!term.allNamespaces && !term.namespaces.has(pod.metadata.namespace ?? 'default')) return false;
  return term.selector.matches(pod.metadata.labels);
}

export class PodInfo {
  readonly key: string;
  readonly requests: Resource;
  readonly nonZeroRequests: Resource;
  readonly requiredAffinityTerms: AffinityTerm[];
  readonly requiredAntiAffinityTerms: AffinityTerm[];
  readonly preferredAffinityTerms: WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: WeightedAffinityTerm[];
  readonly hostPorts: HostPort[];

  /** `derivedFrom`: a PodInfo of the same pod with an equal spec (the assumed copy): reuse its parse. */
  constructor(
    readonly pod: Pod,
    derivedFrom?: PodInfo,
  ) {
    this.key = objectKey(pod);
    if (derivedFrom) {
      this.requests = derivedFrom.requests;
      this.nonZeroRequests = derivedFrom.nonZeroRequests;
      this.requiredAffinityTerms = derivedFrom.requiredAffinityTerms;
      this.requiredAntiAffinityTerms = derivedFrom.requiredAntiAffinityTerms;
      this.preferredAffinityTerms = derivedFrom.preferredAffinityTerms;
      this.preferredAntiAffinityTerms = derivedFrom.preferredAntiAffinityTerms;
      this.hostPorts = derivedFrom.hostPorts;
      return;
    }
    const { requests, nonZero } = podRequestsAndNonZero(pod);
    this.requests = requests;
    this.nonZeroRequests = nonZero;
    const a = pod.spec?.affinity;
    this.requiredAffinityTerms = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t));
    this.requiredAntiAffinityTerms = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => affinityTerm(pod, t));
    this.preferredAffinityTerms = (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
    this.preferredAntiAffinityTerms = (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ ...affinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
    this.hostPorts = [];
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        if (p.hostPort === undefined || p.hostPort <= 0) continue;
        this.hostPorts.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
      }
    }
  }

  get hasAffinity(): boolean {
    return this.requiredAffinityTerms.length + this.requiredAntiAffinityTerms.length + this.preferredAffinityTerms.length + this.preferredAntiAffinityTerms.length > 0;
  }

  get hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinityTerms.length > 0;
  }

  get priority(): number {
    return this.pod.spec?.priority ?? 0;
  }
}

const infos = new WeakMap<Pod, PodInfo>();

/** Records the PodInfo of a pod object (an assumed copy whose PodInfo was derived from another). */
export function setPodInfo(pod: Pod, info: PodInfo): void {
  infos.set(pod, info);
}

/**
 * The PodInfo of a pod object, computed once per object (objects from informers are immutable):
 * the queue, the nominator, the cache and the snapshot share it. `previous`: the PodInfo of an
 * earlier version of the same pod (the assumed copy, the cache's last version): reused when what
 * the scheduler derives from the pod did not change (sameSchedulingInputs), so a pod's watch
 * updates do not parse its requests and terms again.
 */
export function podInfoOf(pod: Pod, previous?: PodInfo): PodInfo {
  let info = infos.get(pod);
  if (!info) {
    info = previous && previous.pod !== pod && previous.key === objectKey(pod) && sameSchedulingInputs(previous.pod, pod) ? new PodInfo(pod, previous) : new PodInfo(pod);
    infos.set(pod, info);
  }
  return info;
}

function sameList(a: ResourceList | undefined, b: ResourceList | undefined): boolean {
  if (a === b) return true;
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (a![k] !== b?.[k]) return false;
  return true;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function sameContainers(a: Container[] | undefined, b: Container[] | undefined, ports: boolean): boolean {
  if (a === b) return true;
  if ((a?.length ?? 0) !== (b?.length ?? 0)) return false;
  for (let i = 0; i < (a?.length ?? 0); i++) {
    if (!sameList(a![i].resources?.requests, b![i].resources?.requests)) return false;
    if (ports && !sameJson(a![i].ports, b![i].ports)) return false;
  }
  return true;
}

/**
 * Whether two versions of a pod give the same PodInfo: the same requests (containers, init
 * containers, overhead), host ports, affinity terms and namespace. Only the spec fields a PodInfo
 * reads are compared, as written (quantities as strings: "1" and "1000m" count as a change).
 */
export function sameSchedulingInputs(a: Pod, b: Pod): boolean {
  if (a === b) return true;
  if (a.metadata.namespace !== b.metadata.namespace) return false;
  return (
    sameContainers(a.spec?.containers, b.spec?.containers, true) &&
    sameContainers(a.spec?.initContainers, b.spec?.initContainers, false) &&
    sameList(a.spec?.overhead, b.spec?.overhead) &&
    sameJson(a.spec?.affinity, b.spec?.affinity)
  );
}
