// Validation of the `args` of the plugins that take some (pluginConfig[i].args).
import { fieldError, type FieldError } from '@skiff/api';
import * as names from '../plugins/names.js';
import { scoringStrategyTypes } from '../plugins/node-resources-fit/scoring-strategy.js';

type Validator = (args: Record<string, unknown>, path: string) => FieldError[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownFields(o: Record<string, unknown>, known: readonly string[], path: string): FieldError[] {
  return Object.keys(o)
    .filter((k) => !known.includes(k))
    .map((k) => fieldError(`${path}.${k}`, 'Unknown', 'unknown field', k));
}

function resources(v: unknown, path: string): FieldError[] {
  if (!Array.isArray(v)) return [fieldError(path, 'Invalid', 'must be a list of {name, weight}', v)];
  const out: FieldError[] = [];
  const seen = new Set<string>();
  v.forEach((r, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(r)) return void out.push(fieldError(p, 'Invalid', 'must be an object {name, weight}', r));
    out.push(...unknownFields(r, ['name', 'weight'], p));
    if (typeof r.name !== 'string' || r.name === '') out.push(fieldError(`${p}.name`, 'Required', 'resource name is required'));
    else if (seen.has(r.name)) out.push(fieldError(`${p}.name`, 'Duplicate', 'resource listed twice', r.name));
    else seen.add(r.name);
    if (!Number.isInteger(r.weight) || (r.weight as number) < 1 || (r.weight as number) > 100) out.push(fieldError(`${p}.weight`, 'Invalid', `resource weight of ${String(r.name)} not in valid range [1, 100]`, r.weight));
  });
  return out;
}

const validators: Record<string, Validator> = {
  [names.NodeResourcesFitName]: (a, path) => {
    const out = unknownFields(a, ['scoringStrategy'], path);
    const s = a.scoringStrategy;
    if (s === undefined) return out;
    const p = `${path}.scoringStrategy`;
    if (!isObject(s)) return [...out, fieldError(p, 'Invalid', 'must be an object {type, resources}', s)];
    out.push(...unknownFields(s, ['type', 'resources'], p));
    if (!scoringStrategyTypes.includes(s.type as never)) out.push(fieldError(`${p}.type`, 'NotSupported', `supported values: ${scoringStrategyTypes.map((t) => `"${t}"`).join(', ')}`, s.type));
    if (s.resources !== undefined) out.push(...resources(s.resources, `${p}.resources`));
    return out;
  },
  [names.BalancedAllocationName]: (a, path) => [...unknownFields(a, ['resources'], path), ...(a.resources === undefined ? [] : resources(a.resources, `${path}.resources`))],
  [names.InterPodAffinityName]: (a, path) => {
    const out = unknownFields(a, ['hardPodAffinityWeight'], path);
    const w = a.hardPodAffinityWeight;
    if (w !== undefined && (!Number.isInteger(w) || (w as number) < 0 || (w as number) > 100)) out.push(fieldError(`${path}.hardPodAffinityWeight`, 'Invalid', 'not in valid range [0-100]', w));
    return out;
  },
  [names.DefaultPreemptionName]: (a, path) => {
    const out = unknownFields(a, ['minCandidateNodesPercentage', 'minCandidateNodesAbsolute'], path);
    const p = a.minCandidateNodesPercentage;
    if (p !== undefined && (!Number.isInteger(p) || (p as number) < 0 || (p as number) > 100)) out.push(fieldError(`${path}.minCandidateNodesPercentage`, 'Invalid', 'not in valid range [0, 100]', p));
    const n = a.minCandidateNodesAbsolute;
    if (n !== undefined && (!Number.isInteger(n) || (n as number) < 0)) out.push(fieldError(`${path}.minCandidateNodesAbsolute`, 'Invalid', 'not in valid range [0, inf)', n));
    return out;
  },
};

/** Problems with one plugin's args; a plugin that takes no args accepts none. */
export function validatePluginArgs(name: string, args: unknown, path: string): FieldError[] {
  if (args === undefined || args === null) return [];
  if (!isObject(args)) return [fieldError(path, 'Invalid', 'must be an object', args)];
  const v = validators[name];
  if (!v) return Object.keys(args).length ? [fieldError(path, 'Invalid', `plugin ${name} takes no args`)] : [];
  return v(args, path);
}
