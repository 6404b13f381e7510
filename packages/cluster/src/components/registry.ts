// Every component the cluster runs, in start order. A new component is one file and one line here.
import { apiserver } from './apiserver.js';
import type { Component, ComponentContext } from './context.js';
import { controllerManager } from './controller-manager.js';
import { etcd } from './etcd.js';
import { nodeAgent } from './node-agent.js';
import { scheduler } from './scheduler.js';
import type { ProcessSpec } from '../process-spec.js';

export const COMPONENTS: readonly Component[] = [etcd, apiserver, scheduler, controllerManager, nodeAgent];

/** The supervisor's table: every process of every component. */
export function processTable(ctx: ComponentContext, components: readonly Component[] = COMPONENTS): ProcessSpec[] {
  const table = components.flatMap((c) => c.processes(ctx));
  const seen = new Set<string>();
  for (const p of table) {
    if (seen.has(p.name)) throw new Error(`two processes named ${p.name}`);
    seen.add(p.name);
  }
  return table;
}
