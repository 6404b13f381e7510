// Reads a KubeSchedulerConfiguration from YAML: strict (unknown fields are errors, as Kubernetes'
// strict decoding), then resolved against the plugin registry.
import { fieldError, type FieldError } from '@skiff/api';
import { parse } from 'yaml';
import type { PluginFactory } from '../framework/interface.js';
import { ConfigError } from './config-error.js';
import { resolveConfig, type SchedulerConfig } from './resolve.js';
import { CONFIG_API_VERSION, CONFIG_KIND, extensionPoints, type KubeSchedulerConfiguration } from './types.js';

const topFields = ['apiVersion', 'kind', 'percentageOfNodesToScore', 'podInitialBackoffSeconds', 'podMaxBackoffSeconds', 'profiles'];
const profileFields = ['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig'];
const pluginsFields = ['multiPoint', ...extensionPoints];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shape(doc: unknown): FieldError[] {
  if (!isObject(doc)) return [fieldError('<root>', 'Invalid', 'must be a KubeSchedulerConfiguration object', doc)];
  const errs: FieldError[] = [];
  const unknown = (o: Record<string, unknown>, known: string[], path: string): void => {
    for (const k of Object.keys(o)) if (!known.includes(k)) errs.push(fieldError(path ? `${path}.${k}` : k, 'Unknown', 'unknown field', k));
  };
  unknown(doc, topFields, '');
  if (doc.apiVersion !== undefined && doc.apiVersion !== CONFIG_API_VERSION) errs.push(fieldError('apiVersion', 'NotSupported', `supported values: "${CONFIG_API_VERSION}"`, doc.apiVersion));
  if (doc.kind !== undefined && doc.kind !== CONFIG_KIND) errs.push(fieldError('kind', 'NotSupported', `supported values: "${CONFIG_KIND}"`, doc.kind));
  if (doc.profiles === undefined || doc.profiles === null) return errs;
  if (!Array.isArray(doc.profiles)) return [...errs, fieldError('profiles', 'Invalid', 'must be a list', doc.profiles)];
  doc.profiles.forEach((p: unknown, i: number) => {
    const path = `profiles[${i}]`;
    if (!isObject(p)) return void errs.push(fieldError(path, 'Invalid', 'must be an object'));
    unknown(p, profileFields, path);
    if (p.schedulerName !== undefined && typeof p.schedulerName !== 'string') errs.push(fieldError(`${path}.schedulerName`, 'Invalid', 'must be a string', p.schedulerName));
    if (p.plugins !== undefined) {
      if (!isObject(p.plugins)) return void errs.push(fieldError(`${path}.plugins`, 'Invalid', 'must be an object'));
      unknown(p.plugins, pluginsFields, `${path}.plugins`);
      for (const [point, set] of Object.entries(p.plugins)) {
        const at = `${path}.plugins.${point}`;
        if (!isObject(set)) {
          errs.push(fieldError(at, 'Invalid', 'must be an object {enabled, disabled}'));
          continue;
        }
        unknown(set, ['enabled', 'disabled'], at);
        for (const list of ['enabled', 'disabled'] as const) {
          const refs = set[list];
          if (refs === undefined) continue;
          if (!Array.isArray(refs)) errs.push(fieldError(`${at}.${list}`, 'Invalid', 'must be a list of {name, weight}'));
          else refs.forEach((r: unknown, j: number) => (isObject(r) ? unknown(r, ['name', 'weight'], `${at}.${list}[${j}]`) : errs.push(fieldError(`${at}.${list}[${j}]`, 'Invalid', 'must be an object {name, weight}'))));
        }
      }
    }
    if (p.pluginConfig !== undefined) {
      if (!Array.isArray(p.pluginConfig)) return void errs.push(fieldError(`${path}.pluginConfig`, 'Invalid', 'must be a list of {name, args}'));
      p.pluginConfig.forEach((c: unknown, j: number) => (isObject(c) ? unknown(c, ['name', 'args'], `${path}.pluginConfig[${j}]`) : errs.push(fieldError(`${path}.pluginConfig[${j}]`, 'Invalid', 'must be an object {name, args}'))));
    }
  });
  return errs;
}

/** Parses and resolves a configuration file's text; `source` names it in errors. */
export function loadConfig(text: string, registry: ReadonlyMap<string, PluginFactory>, source = 'config'): SchedulerConfig {
  let doc: unknown;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new ConfigError(source, [fieldError('<root>', 'Invalid', `not YAML: ${(err as Error).message}`)]);
  }
  const errs = shape(doc);
  if (errs.length) throw new ConfigError(source, errs);
  return resolveConfig(doc as KubeSchedulerConfiguration, registry, source);
}
