// Every component the cluster runs, in start order. A new component is one file and one line here.
import { apiserver } from './apiserver.js';
import type { Component, ComponentContext } from './context.js';
import { controllerManager } from './controller-manager.js';
import { etcd } from './etcd.js';
import { nodeAgent } from './node-agent.js';
import { proxy } from './proxy.js';
import { scheduler } from './scheduler.js';
import type { ProcessSpec } from '../process-spec.js';

export const COMPONENTS: readonly Component[] = [etcd, apiserver, scheduler, controllerManager, nodeAgent, proxy];

/** The supervisor's table: every process of every component. */
export function processTable(ctx: ComponentContext, components: readonly Component[] = COMPONENTS): ProcessSpec[] {
  const table = components.flatMap((c) => c.processes(ctx).map((p) => withExtraArgs(p, ctx.config.extraArgs?.[c.name])));
  const seen = new Set<string>();
  for (const p of table) {
    if (seen.has(p.name)) throw new Error(`two processes named ${p.name}`);
    seen.add(p.name);
  }
  return table;
}

function withExtraArgs(p: ProcessSpec, extra: readonly string[] | undefined): ProcessSpec {
  return extra?.length ? { ...p, argv: [...p.argv, ...extra] } : p;
}

/** `--extra-args COMPONENT=FLAG` values as a map; a name that is no component is refused. */
export function parseExtraArgs(values: readonly string[], components: readonly Component[] = COMPONENTS): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const at = v.indexOf('=');
    const name = at > 0 ? v.slice(0, at) : '';
    if (!components.some((c) => c.name === name)) throw new Error(`--extra-args ${JSON.stringify(v)}: want COMPONENT=FLAG with COMPONENT one of ${components.map((c) => c.name).join(', ')}`);
    (out[name] ??= []).push(v.slice(at + 1));
  }
  return out;
}
