// Node selectors and node affinity terms (Kubernetes' component-helpers nodeaffinity): terms are
// ORed, a term's expressions ANDed; matchFields supports metadata.name. Built on the API's Selector.
import { Selector, type Node, type NodeSelectorRequirement, type NodeSelectorTerm, type Operator, type Pod, type Requirement } from '@skiff/api';

const operators: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' };

/** A requirement list as a Selector, or undefined when invalid (an invalid term matches nothing). */
function toSelector(reqs: readonly NodeSelectorRequirement[], fields: boolean): Selector | undefined {
  const out: Requirement[] = [];
  for (const r of reqs) {
    const op = operators[r.operator];
    const values = r.values ?? [];
    if (!op) return undefined;
    if (fields && (r.key !== 'metadata.name' || (op !== 'in' && op !== 'notin') || values.length !== 1)) return undefined;
    if ((op === 'in' || op === 'notin') && values.length === 0) return undefined;
    if ((op === 'exists' || op === '!') && values.length > 0) return undefined;
    if ((op === 'gt' || op === 'lt') && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) return undefined;
    out.push({ key: r.key, operator: op, values: [...values] });
  }
  return new Selector(out);
}

export interface CompiledTerm {
  labels: Selector | undefined;
  fields: Selector | undefined;
  /** An empty or invalid term matches no node. */
  valid: boolean;
}

export function compileTerm(t: NodeSelectorTerm): CompiledTerm {
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  const labels = exprs.length ? toSelector(exprs, false) : undefined;
  const f = fields.length ? toSelector(fields, true) : undefined;
  const valid = (exprs.length > 0 || fields.length > 0) && (exprs.length === 0 || labels !== undefined) && (fields.length === 0 || f !== undefined);
  return { labels, fields: f, valid };
}

export function termMatchesNode(t: CompiledTerm, node: Node): boolean {
  if (!t.valid) return false;
  if (t.labels && !t.labels.matches(node.metadata.labels)) return false;
  if (t.fields && !t.fields.matches({ 'metadata.name': node.metadata.name ?? '' })) return false;
  return true;
}

/** What a pod requires of its node: nodeSelector and required node affinity. */
export class RequiredNodeAffinity {
  private readonly nodeSelector: Selector | undefined;
  private readonly terms: CompiledTerm[] | undefined;

  constructor(pod: Pod) {
    const ns = pod.spec?.nodeSelector;
    this.nodeSelector = ns && Object.keys(ns).length ? new Selector(Object.entries(ns).map(([key, v]) => ({ key, operator: '=' as const, values: [v] }))) : undefined;
    const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.terms = req ? req.nodeSelectorTerms.map(compileTerm) : undefined;
  }

  get empty(): boolean {
    return this.nodeSelector === undefined && this.terms === undefined;
  }

  matches(node: Node): boolean {
    if (this.nodeSelector && !this.nodeSelector.matches(node.metadata.labels)) return false;
    if (this.terms && !this.terms.some((t) => termMatchesNode(t, node))) return false;
    return true;
  }
}

const cache = new WeakMap<Pod, RequiredNodeAffinity>();

export function requiredNodeAffinityOf(pod: Pod): RequiredNodeAffinity {
  let r = cache.get(pod);
  if (!r) {
    r = new RequiredNodeAffinity(pod);
    cache.set(pod, r);
  }
  return r;
}
