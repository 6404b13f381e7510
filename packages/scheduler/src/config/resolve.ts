// From a configuration to the profiles the Framework runs: Kubernetes' defaults first, then each
// profile's multiPoint and per-extension-point enable/disable and weights, then validation with the
// field path of every problem.
import { fieldError, type FieldError } from '@skiff/api';
import { isBind, isFilter, isPermit, isPostFilter, isPreFilter, isPreScore, isQueueSort, isReserve, isScore, type Handle, type Plugin, type PluginFactory } from '../framework/interface.js';
import type { ResolvedProfile, WeightedPlugin } from '../framework/profile.js';
import { Snapshot } from '../framework/snapshot.js';
import { ConfigError } from './config-error.js';
import { defaultMultiPoint } from './default-plugins.js';
import { validatePluginArgs } from './plugin-args.js';
import { DEFAULT_SCHEDULER_NAME, extensionPoints, type ExtensionPoint, type KubeSchedulerConfiguration, type KubeSchedulerProfile, type PluginRef } from './types.js';

export const DEFAULT_POD_INITIAL_BACKOFF_SECONDS = 1;
export const DEFAULT_POD_MAX_BACKOFF_SECONDS = 10;

export interface SchedulerConfig {
  profiles: ResolvedProfile[];
  percentageOfNodesToScore: number;
  podInitialBackoffMs: number;
  podMaxBackoffMs: number;
}

const implementsPoint: Record<ExtensionPoint, (p: Plugin) => boolean> = {
  queueSort: isQueueSort,
  preFilter: isPreFilter,
  filter: isFilter,
  postFilter: isPostFilter,
  preScore: isPreScore,
  score: isScore,
  reserve: isReserve,
  permit: isPermit,
  bind: isBind,
};

/** A plugin instance only to learn which extension points it implements. */
function probe(factory: PluginFactory): Plugin {
  const handle: Handle = {
    snapshot: () => new Snapshot(),
    framework: () => {
      throw new Error('probe');
    },
    binder: undefined,
  };
  return factory(undefined, handle);
}

function percentageErrors(v: unknown, path: string): FieldError[] {
  if (v === undefined) return [];
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100 ? [] : [fieldError(path, 'Invalid', 'not in valid range [0-100]', v)];
}

function resolveProfile(p: KubeSchedulerProfile, path: string, registry: ReadonlyMap<string, PluginFactory>, globalPercentage: number, errs: FieldError[]): ResolvedProfile {
  const probes = new Map<string, Plugin>();
  const known = (ref: PluginRef, at: string): boolean => {
    const f = typeof ref?.name === 'string' ? registry.get(ref.name) : undefined;
    if (!f) {
      errs.push(fieldError(`${at}.name`, 'Invalid', 'not a registered plugin', ref?.name));
      return false;
    }
    if (!probes.has(ref.name)) probes.set(ref.name, probe(f));
    return true;
  };
  const checkWeight = (ref: PluginRef, at: string): void => {
    if (ref.weight !== undefined && (!Number.isInteger(ref.weight) || ref.weight < 0 || ref.weight > 100)) errs.push(fieldError(`${at}.weight`, 'Invalid', 'score plugin weight not in valid range [0-100]', ref.weight));
  };

  // multiPoint: the defaults, less the disabled, plus the enabled (a later entry overrides the weight).
  const mp = p.plugins?.multiPoint;
  const mpDisabled = new Set((mp?.disabled ?? []).map((r) => r.name));
  let multi: PluginRef[] = mpDisabled.has('*') ? [] : defaultMultiPoint.filter((r) => !mpDisabled.has(r.name));
  (mp?.enabled ?? []).forEach((ref, i) => {
    const at = `${path}.plugins.multiPoint.enabled[${i}]`;
    if (!known(ref, at)) return;
    checkWeight(ref, at);
    multi = [...multi.filter((r) => r.name !== ref.name), ref];
  });
  (mp?.disabled ?? []).forEach((ref, i) => {
    if (ref.name !== '*') known(ref, `${path}.plugins.multiPoint.disabled[${i}]`);
  });
  for (const ref of multi) known(ref, `${path}.plugins.multiPoint`);

  const points = {} as Record<ExtensionPoint, WeightedPlugin[]>;
  for (const point of extensionPoints) {
    const set = p.plugins?.[point];
    const disabled = new Set((set?.disabled ?? []).map((r) => r.name));
    const out: WeightedPlugin[] = [];
    // Plugins named at the point come first, then multiPoint's, each once.
    (set?.enabled ?? []).forEach((ref, i) => {
      const at = `${path}.plugins.${point}.enabled[${i}]`;
      if (!known(ref, at)) return;
      if (!implementsPoint[point](probes.get(ref.name) as Plugin)) return void errs.push(fieldError(`${at}.name`, 'Invalid', `plugin does not implement ${point}`, ref.name));
      if (point === 'score') checkWeight(ref, at);
      else if (ref.weight) errs.push(fieldError(`${at}.weight`, 'Forbidden', 'only score plugins have a weight'));
      if (!out.some((w) => w.name === ref.name)) out.push({ name: ref.name, weight: ref.weight || 1 });
    });
    (set?.disabled ?? []).forEach((ref, i) => {
      if (ref.name !== '*') known(ref, `${path}.plugins.${point}.disabled[${i}]`);
    });
    if (!disabled.has('*')) {
      for (const ref of multi) {
        const inst = probes.get(ref.name);
        if (!inst || disabled.has(ref.name) || !implementsPoint[point](inst) || out.some((w) => w.name === ref.name)) continue;
        out.push({ name: ref.name, weight: ref.weight || 1 });
      }
    }
    points[point] = out;
  }
  if (points.queueSort.length !== 1) errs.push(fieldError(`${path}.plugins.queueSort`, 'Invalid', `exactly one queue sort plugin is required, got ${points.queueSort.length}`));
  if (points.bind.length === 0) errs.push(fieldError(`${path}.plugins.bind`, 'Required', 'at least one bind plugin is required'));

  const pluginArgs: Record<string, unknown> = {};
  (p.pluginConfig ?? []).forEach((c, i) => {
    const at = `${path}.pluginConfig[${i}]`;
    if (!known(c, at)) return;
    if (c.name in pluginArgs) return void errs.push(fieldError(`${at}.name`, 'Duplicate', 'plugin configured twice', c.name));
    errs.push(...validatePluginArgs(c.name, c.args, `${at}.args`));
    pluginArgs[c.name] = c.args;
  });
  errs.push(...percentageErrors(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`));
  const names = (ps: WeightedPlugin[]): string[] => ps.map((w) => w.name);
  return {
    schedulerName: p.schedulerName || DEFAULT_SCHEDULER_NAME,
    queueSort: names(points.queueSort),
    preFilter: names(points.preFilter),
    filter: names(points.filter),
    postFilter: names(points.postFilter),
    preScore: names(points.preScore),
    score: points.score,
    reserve: names(points.reserve),
    permit: names(points.permit),
    bind: names(points.bind),
    pluginArgs,
    percentageOfNodesToScore: p.percentageOfNodesToScore || globalPercentage,
  };
}

/** Resolves and validates; throws ConfigError listing every problem. */
export function resolveConfig(cfg: KubeSchedulerConfiguration, registry: ReadonlyMap<string, PluginFactory>, source = '(defaults)'): SchedulerConfig {
  const errs: FieldError[] = [];
  errs.push(...percentageErrors(cfg.percentageOfNodesToScore, 'percentageOfNodesToScore'));
  const initial = cfg.podInitialBackoffSeconds ?? DEFAULT_POD_INITIAL_BACKOFF_SECONDS;
  const max = cfg.podMaxBackoffSeconds ?? DEFAULT_POD_MAX_BACKOFF_SECONDS;
  if (!(typeof initial === 'number' && initial > 0)) errs.push(fieldError('podInitialBackoffSeconds', 'Invalid', 'must be greater than 0', initial));
  if (!(typeof max === 'number' && max >= initial)) errs.push(fieldError('podMaxBackoffSeconds', 'Invalid', 'must be greater than or equal to PodInitialBackoffSeconds', max));
  const input = cfg.profiles?.length ? cfg.profiles : [{}];
  const global = Number.isInteger(cfg.percentageOfNodesToScore) ? (cfg.percentageOfNodesToScore as number) : 0;
  const profiles = input.map((p, i) => resolveProfile(p ?? {}, `profiles[${i}]`, registry, global, errs));
  const seen = new Set<string>();
  profiles.forEach((p, i) => {
    if (seen.has(p.schedulerName)) errs.push(fieldError(`profiles[${i}].schedulerName`, 'Duplicate', 'scheduler names must be unique', p.schedulerName));
    seen.add(p.schedulerName);
    if (p.queueSort.join() !== profiles[0].queueSort.join()) errs.push(fieldError(`profiles[${i}].plugins.queueSort`, 'Invalid', 'queueSort must be the same for all profiles'));
  });
  if (errs.length) throw new ConfigError(source, errs);
  return { profiles, percentageOfNodesToScore: global, podInitialBackoffMs: initial * 1000, podMaxBackoffMs: max * 1000 };
}
