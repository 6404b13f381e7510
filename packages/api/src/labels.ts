// Label keys and values, and label selectors: the Kubernetes string syntax
// ("a=b,c!=d,e in (x,y),f notin (z),g,!h"), the object form (LabelSelector) and matching.
import { ApiError, fieldError } from './errors.js';
import { isDNS1123Subdomain, maxLenError } from './names.js';
import type { LabelSelector } from './types/meta.js';

const qualifiedNameCharFmt = '[A-Za-z0-9]';
const qualifiedNameExtCharFmt = '[-A-Za-z0-9_.]';
const qualifiedNameFmt = `(${qualifiedNameCharFmt}${qualifiedNameExtCharFmt}*)?${qualifiedNameCharFmt}`;
const qualifiedNameRe = new RegExp(`^${qualifiedNameFmt}$`);
const labelValueFmt = `(${qualifiedNameFmt})?`;
const labelValueRe = new RegExp(`^${labelValueFmt}$`);
export const QUALIFIED_NAME_MAX_LENGTH = 63;
export const LABEL_VALUE_MAX_LENGTH = 63;

const qualifiedNameErrMsg =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/**
 * A qualified name: `[prefix/]name`, prefix a DNS-1123 subdomain, name at most 63 characters of
 * `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`. Label keys, annotation keys, finalizers, taint keys.
 */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const e of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${e}`);
  } else {
    return [
      `a qualified name ${qualifiedNameErrMsg} with an optional DNS subdomain prefix and '/' (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${qualifiedNameFmt}')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > QUALIFIED_NAME_MAX_LENGTH) errs.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (name.length > 0 && !qualifiedNameRe.test(name)) {
    errs.push(`name part ${qualifiedNameErrMsg} (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${qualifiedNameFmt}')`);
  }
  return errs;
}

/** A label value: empty, or at most 63 characters of the qualified-name charset. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRe.test(value)) {
    errs.push(
      `a valid label must be an empty string or ${qualifiedNameErrMsg} (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${labelValueFmt}')`,
    );
  }
  return errs;
}

export type Operator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a selector. */
export interface Requirement {
  key: string;
  operator: Operator;
  /** Sorted, unique. One value for =, ==, !=, gt, lt; none for exists and !. */
  values: string[];
}

function selectorError(detail: string, value: string): ApiError {
  return new ApiError('INVALID_ARGUMENT', `unable to parse requirement: ${detail}`, {
    reason: 'BadRequest',
    fields: [fieldError('labelSelector', 'Invalid', detail, value)],
  });
}

function checkRequirement(key: string, op: Operator, values: string[], source: string): Requirement {
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) throw selectorError(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`, source);
  switch (op) {
    case 'in':
    case 'notin':
      if (values.length === 0) throw selectorError(`values: Invalid value: for 'in', 'notin' operators, values set can't be empty`, source);
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) throw selectorError(`values: Invalid value: exact-match compatibility requires one single value`, source);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) throw selectorError(`values: Invalid value: values set must be empty for exists and does not exist`, source);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1 || !/^-?\d+$/.test(values[0])) throw selectorError(`values: Invalid value: for 'Gt', 'Lt' operators, exactly one integer value is required`, source);
      break;
  }
  if (op !== 'gt' && op !== 'lt') {
    for (const v of values) {
      const errs = isValidLabelValue(v);
      if (errs.length) throw selectorError(`values[0][${key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`, source);
    }
  }
  return { key, operator: op, values: [...new Set(values)].sort() };
}

function matchRequirement(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v as string);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v as string);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v as string)) return false;
      const a = BigInt(v as string);
      const b = BigInt(r.values[0]);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** A parsed label selector: all requirements must hold. */
export class Selector {
  /** Requirements sorted by key. */
  readonly requirements: readonly Requirement[];
  private readonly nothing: boolean;

  constructor(requirements: Requirement[], nothing = false) {
    this.requirements = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.nothing = nothing;
  }

  /** Matches everything. */
  static everything(): Selector {
    return new Selector([]);
  }

  /** Matches nothing (the selector of a nil LabelSelector). */
  static nothing(): Selector {
    return new Selector([], true);
  }

  /** True when the selector has no requirements (matches every object). */
  get empty(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined): boolean {
    if (this.nothing) return false;
    const l = labels ?? {};
    // A plain loop: controllers match every pod they claim, on every sync.
    const reqs = this.requirements;
    for (let i = 0; i < reqs.length; i++) if (!matchRequirement(reqs[i]!, l)) return false;
    return true;
  }

  /** Canonical string form, parseable by parseLabelSelector. */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }

  /** The value `key` must equal for the selector to match, when it has an exact-match requirement. */
  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key && (x.operator === '=' || x.operator === '==' || (x.operator === 'in' && x.values.length === 1)));
    return r?.values[0];
  }
}

// ---- string syntax --------------------------------------------------------------------------

type Tok =
  | { t: 'id'; v: string }
  | { t: 'op'; v: '=' | '==' | '!=' | '!' | '>' | '<' | 'in' | 'notin' }
  | { t: ',' | '(' | ')' };

const special = new Set(['=', '!', '(', ')', ',', '>', '<', ' ', '\t', '\n', '\r']);

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === ',' || c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === '=') {
      if (s[i + 1] === '=') {
        out.push({ t: 'op', v: '==' });
        i += 2;
      } else {
        out.push({ t: 'op', v: '=' });
        i++;
      }
    } else if (c === '!') {
      if (s[i + 1] === '=') {
        out.push({ t: 'op', v: '!=' });
        i += 2;
      } else {
        out.push({ t: 'op', v: '!' });
        i++;
      }
    } else if (c === '>' || c === '<') {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !special.has(s[j])) j++;
      const word = s.slice(i, j);
      if (word === 'in' || word === 'notin') out.push({ t: 'op', v: word });
      else out.push({ t: 'id', v: word });
      i = j;
    }
  }
  return out;
}

/**
 * Parses the Kubernetes label selector syntax. The empty string selects everything.
 * Throws ApiError INVALID_ARGUMENT (field `labelSelector`) on invalid syntax, keys or values.
 */
export function parseLabelSelector(selector: string): Selector {
  const toks = lex(selector);
  let p = 0;
  const reqs: Requirement[] = [];
  const peek = (): Tok | undefined => toks[p];
  const fail = (what: string): never => {
    throw selectorError(what, selector);
  };
  const describe = (t: Tok | undefined): string => (t === undefined ? 'end of string' : 'v' in t ? `'${t.v}'` : `'${t.t}'`);

  if (toks.length === 0) return Selector.everything();
  for (;;) {
    let t = peek();
    let negated = false;
    if (t?.t === 'op' && t.v === '!') {
      negated = true;
      p++;
      t = peek();
    }
    if (t?.t !== 'id') fail(`found ${describe(t)}, expected: identifier`);
    const key = (t as { v: string }).v;
    p++;
    t = peek();
    if (negated) {
      if (t !== undefined && t.t !== ',') fail(`found ${describe(t)}, expected: ',' or 'end of string'`);
      reqs.push(checkRequirement(key, '!', [], selector));
    } else if (t === undefined || t.t === ',') {
      reqs.push(checkRequirement(key, 'exists', [], selector));
    } else if (t.t === 'op' && (t.v === 'in' || t.v === 'notin')) {
      const op = t.v;
      p++;
      if (peek()?.t !== '(') fail(`found ${describe(peek())}, expected: '('`);
      p++;
      const values: string[] = [];
      // Values: comma-separated identifiers; an empty value is allowed ("a in (,b)" has "").
      let expectValue = true;
      for (;;) {
        const v = peek();
        if (v?.t === ')') {
          if (expectValue) values.push('');
          p++;
          break;
        }
        if (v?.t === ',') {
          if (expectValue) values.push('');
          expectValue = true;
          p++;
          continue;
        }
        if (v?.t === 'id' && expectValue) {
          values.push(v.v);
          expectValue = false;
          p++;
          continue;
        }
        fail(`found ${describe(v)}, expected: ',', ')' or identifier`);
      }
      reqs.push(checkRequirement(key, op, values, selector));
    } else if (t.t === 'op' && (t.v === '=' || t.v === '==' || t.v === '!=' || t.v === '>' || t.v === '<')) {
      const op: Operator = t.v === '>' ? 'gt' : t.v === '<' ? 'lt' : t.v;
      p++;
      const v = peek();
      let value = '';
      if (v?.t === 'id') {
        value = v.v;
        p++;
      } else if (v !== undefined && v.t !== ',') {
        fail(`found ${describe(v)}, expected: identifier`);
      }
      reqs.push(checkRequirement(key, op, [value], selector));
    } else {
      fail(`found ${describe(t)}, expected: in, notin, =, ==, !=, gt, lt`);
    }
    const n = peek();
    if (n === undefined) break;
    if (n.t !== ',') fail(`found ${describe(n)}, expected: ',' or 'end of string'`);
    p++;
    if (peek() === undefined) fail(`found 'end of string', expected: identifier`);
  }
  return new Selector(reqs);
}

/** Validates the object form of a selector; problems as [field suffix, detail, value]. */
export function labelSelectorProblems(sel: LabelSelector): { field: string; detail: string; value: unknown }[] {
  const out: { field: string; detail: string; value: unknown }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    for (const e of isQualifiedName(k)) out.push({ field: 'matchLabels', detail: e, value: k });
    for (const e of isValidLabelValue(v)) out.push({ field: 'matchLabels', detail: e, value: v });
  }
  (sel.matchExpressions ?? []).forEach((r, i) => {
    const f = `matchExpressions[${i}]`;
    const values = r.values ?? [];
    switch (r.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) out.push({ field: `${f}.values`, detail: 'must be specified when `operator` is \'In\' or \'NotIn\'', value: undefined });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) out.push({ field: `${f}.values`, detail: 'may not be specified when `operator` is \'Exists\' or \'DoesNotExist\'', value: undefined });
        break;
      default:
        out.push({ field: `${f}.operator`, detail: 'not a valid selector operator', value: r.operator });
    }
    for (const e of isQualifiedName(r.key ?? '')) out.push({ field: `${f}.key`, detail: e, value: r.key });
    values.forEach((v, j) => {
      for (const e of isValidLabelValue(v)) out.push({ field: `${f}.values[${j}]`, detail: e, value: v });
    });
  });
  return out;
}

/**
 * Converts a LabelSelector object to a Selector. An absent selector (undefined/null) selects
 * nothing; an empty one ({}) selects everything, as in Kubernetes. Throws ApiError INVALID_ARGUMENT
 * for an invalid selector.
 */
export function labelSelectorFromObject(sel: LabelSelector | undefined | null): Selector {
  if (sel === undefined || sel === null) return Selector.nothing();
  const problems = labelSelectorProblems(sel);
  if (problems.length) {
    const p = problems[0];
    throw new ApiError('INVALID_ARGUMENT', `invalid label selector: ${p.field}: ${p.detail}`, {
      reason: 'BadRequest',
      fields: problems.map((x) => fieldError('labelSelector', 'Invalid', `${x.field}: ${x.detail}`, x.value)),
    });
  }
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, operator: '=', values: [v] });
  for (const r of sel.matchExpressions ?? []) {
    const op: Operator = r.operator === 'In' ? 'in' : r.operator === 'NotIn' ? 'notin' : r.operator === 'Exists' ? 'exists' : '!';
    reqs.push({ key: r.key, operator: op, values: [...new Set(r.values ?? [])].sort() });
  }
  return new Selector(reqs);
}

/** The selector of a map of labels (Service.spec.selector): every pair must match. Empty selects everything. */
export function selectorFromSet(set: Record<string, string> | undefined): Selector {
  return new Selector(Object.entries(set ?? {}).map(([key, v]) => ({ key, operator: '=' as const, values: [v] })));
}
