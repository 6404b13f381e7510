// Field selectors ("metadata.name=x,spec.nodeName!=y"): parsing against the fields each kind
// supports, matching, and the selectable field values of an object (for the apiserver's indexes).
import { ApiError, fieldError } from './errors.js';
import type { KObject } from './object.js';
import { lookupResource } from './registry.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

type Getter = (obj: KObject) => string;

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

const common: Record<string, Getter> = {
  'metadata.name': (o) => str(o.metadata?.name),
  'metadata.namespace': (o) => str(o.metadata?.namespace),
};

const spec = (o: KObject) => rec(o.spec);
const status = (o: KObject) => rec(o.status);
const involved = (o: KObject) => rec(o.involvedObject);

const perKind: Record<string, Record<string, Getter>> = {
  Pod: {
    'spec.nodeName': (o) => str(spec(o).nodeName),
    'spec.schedulerName': (o) => str(spec(o).schedulerName),
    'spec.restartPolicy': (o) => str(spec(o).restartPolicy),
    'spec.serviceAccountName': (o) => str(spec(o).serviceAccountName),
    'spec.hostNetwork': (o) => String(spec(o).hostNetwork === true),
    'status.phase': (o) => str(status(o).phase),
    'status.podIP': (o) => str(status(o).podIP),
    'status.nominatedNodeName': (o) => str(status(o).nominatedNodeName),
  },
  Node: {
    'spec.unschedulable': (o) => String(spec(o).unschedulable === true),
  },
  Event: {
    'involvedObject.kind': (o) => str(involved(o).kind),
    'involvedObject.namespace': (o) => str(involved(o).namespace),
    'involvedObject.name': (o) => str(involved(o).name),
    'involvedObject.uid': (o) => str(involved(o).uid),
    'involvedObject.apiVersion': (o) => str(involved(o).apiVersion),
    'involvedObject.resourceVersion': (o) => str(involved(o).resourceVersion),
    'involvedObject.fieldPath': (o) => str(involved(o).fieldPath),
    reason: (o) => str(o.reason),
    source: (o) => str(rec(o.source).component),
    type: (o) => str(o.type),
    reportingComponent: (o) => str(o.reportingComponent),
  },
  Secret: {
    type: (o) => str(o.type),
  },
  Namespace: {
    'status.phase': (o) => str(status(o).phase),
  },
  ReplicaSet: {
    'status.replicas': (o) => str(status(o).replicas ?? 0),
  },
};

function canonicalKind(kind: string): string {
  return lookupResource(kind)?.kind ?? kind;
}

const gettersByKind = new Map<string, Record<string, Getter>>();

function gettersOf(kind: string): Record<string, Getter> {
  let g = gettersByKind.get(kind);
  if (!g) {
    g = { ...common, ...(perKind[canonicalKind(kind)] ?? {}) };
    gettersByKind.set(kind, g);
  }
  return g;
}

/** The field names a kind supports in field selectors. */
export function selectableFields(kind: string): string[] {
  return Object.keys(gettersOf(kind));
}

/** The values of the selectable fields of an object (absent fields are ""). */
export function fieldsOf(kind: string, obj: KObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [f, get] of Object.entries(gettersOf(kind))) out[f] = get(obj);
  return out;
}

export class FieldSelector {
  readonly kind: string;
  readonly requirements: readonly FieldRequirement[];
  /** Each requirement with its getter, resolved once: matching reads only the fields it needs. */
  private readonly checks: { get: Getter; operator: FieldOperator; value: string }[];

  constructor(kind: string, requirements: FieldRequirement[]) {
    this.kind = canonicalKind(kind);
    this.requirements = requirements;
    const getters = gettersOf(this.kind);
    this.checks = requirements.map((r) => ({ get: getters[r.field] ?? (() => ''), operator: r.operator, value: r.value }));
  }

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  /** Whether the object's fields satisfy every requirement. */
  matches(obj: KObject): boolean {
    for (const c of this.checks) {
      const v = c.get(obj);
      if (c.operator === '!=' ? v === c.value : v !== c.value) return false;
    }
    return true;
  }

  /** As matches, on precomputed field values (fieldsOf). */
  matchesFields(fields: Readonly<Record<string, string>>): boolean {
    for (const r of this.requirements) {
      const v = fields[r.field] ?? '';
      if (r.operator === '!=' ? v === r.value : v !== r.value) return false;
    }
    return true;
  }

  /** The value `field` must equal (an `=`/`==` requirement), for index lookups. */
  exactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
  }
}

function escapeValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => `\\${c}`);
}

function selectorError(message: string, value: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', message, { reason: 'BadRequest', fields: [fieldError('fieldSelector', 'Invalid', message, value)] });
}

/** Splits on unescaped commas, keeping escapes in the parts. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

function unescape(v: string, whole: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\') {
      const n = v[i + 1];
      if (n !== '\\' && n !== ',' && n !== '=') throw selectorError(`invalid field selector: invalid escape sequence in ${JSON.stringify(v)}`, whole);
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw selectorError(`invalid field selector: unescaped ${JSON.stringify(c)} in value ${JSON.stringify(v)}`, whole);
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Parses a field selector for a kind ("Pod", or a resource name). "" selects everything.
 * Unsupported fields and bad syntax throw ApiError INVALID_ARGUMENT (field `fieldSelector`).
 */
export function parseFieldSelector(s: string, kind: string): FieldSelector {
  const getters = gettersOf(kind);
  const reqs: FieldRequirement[] = [];
  if (s.trim() === '') return new FieldSelector(kind, []);
  for (const term of splitTerms(s)) {
    let op: FieldOperator | undefined;
    let at = -1;
    // The first operator in the term (not inside an escape).
    for (let i = 0; i < term.length; i++) {
      if (term[i] === '\\') {
        i++;
        continue;
      }
      if (term.startsWith('!=', i)) op = '!=';
      else if (term.startsWith('==', i)) op = '==';
      else if (term[i] === '=') op = '=';
      if (op) {
        at = i;
        break;
      }
    }
    if (!op) throw selectorError(`invalid selector: '${term}'; can't understand '${term}'`, s);
    const field = term.slice(0, at).trim();
    const value = unescape(term.slice(at + op.length).trim(), s);
    if (field === '') throw selectorError(`invalid selector: '${term}'; field name is empty`, s);
    if (!(field in getters)) {
      throw selectorError(`field label not supported: ${field}`, s);
    }
    reqs.push({ field, operator: op, value });
  }
  return new FieldSelector(kind, reqs);
}
