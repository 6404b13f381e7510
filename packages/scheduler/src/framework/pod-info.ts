// A pod with what the scheduler derives from it once: requests, parsed affinity terms, host ports.
import { labelSelectorFromObject, objectKey, type Pod, type PodAffinityTerm, type Selector } from '@skiff/api';
import { podRequests, type Resource } from './resource.js';

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
    this.requests = podRequests(pod);
    this.nonZeroRequests = podRequests(pod, true);
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

/** The PodInfo of a pod object, computed once per object (objects from informers are immutable). */
export function podInfoOf(pod: Pod): PodInfo {
  let info = infos.get(pod);
  if (!info) {
    info = new PodInfo(pod);
    infos.set(pod, info);
  }
  return info;
}
