import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterConfig } from '../cluster-config.js';
import { statePaths } from '../state-dir.js';
import type { Component, ComponentContext } from './context.js';
import { parseExtraArgs, processTable } from './registry.js';

const one = (name: string, procs: string[]): Component => ({ name, processes: () => procs.map((p) => ({ name: p, argv: ['node', `${name}.js`], stopRank: 0 })) });
const components = [one('scheduler', ['scheduler']), one('node-agent', ['agent-n1', 'agent-n2'])];
const ctx = (extraArgs?: Record<string, string[]>) => ({ config: { ...(extraArgs ? { extraArgs } : {}) } as ClusterConfig, paths: statePaths('/tmp/x') }) as ComponentContext;

const parseCases: { name: string; values: string[]; want?: Record<string, string[]>; error?: RegExp }[] = [
  { name: 'none', values: [], want: {} },
  { name: 'a flag with its value after the first =', values: ['scheduler=--v=4'], want: { scheduler: ['--v=4'] } },
  { name: 'several for one component keep their order', values: ['node-agent=--a', 'scheduler=--b', 'node-agent=--c'], want: { 'node-agent': ['--a', '--c'], scheduler: ['--b'] } },
  { name: 'an unknown component', values: ['kubelet=--x'], error: /COMPONENT one of scheduler, node-agent/ },
  { name: 'no component', values: ['--x'], error: /want COMPONENT=FLAG/ },
];

void describe('parseExtraArgs', () => {
  for (const c of parseCases) {
    void it(c.name, () => {
      if (c.error) assert.throws(() => parseExtraArgs(c.values, components), c.error);
      else assert.deepEqual(parseExtraArgs(c.values, components), c.want);
    });
  }
});

const tableCases: { name: string; extraArgs?: Record<string, string[]>; want: Record<string, string[]> }[] = [
  { name: 'without extra args the argv is the component\'s', want: { scheduler: ['node', 'scheduler.js'], 'agent-n1': ['node', 'node-agent.js'], 'agent-n2': ['node', 'node-agent.js'] } },
  {
    name: 'extra args go to every process of their component only',
    extraArgs: { 'node-agent': ['--x=1'] },
    want: { scheduler: ['node', 'scheduler.js'], 'agent-n1': ['node', 'node-agent.js', '--x=1'], 'agent-n2': ['node', 'node-agent.js', '--x=1'] },
  },
];

void describe('processTable with extra args', () => {
  for (const c of tableCases) {
    void it(c.name, () => {
      assert.deepEqual(Object.fromEntries(processTable(ctx(c.extraArgs), components).map((p) => [p.name, p.argv])), c.want);
    });
  }
});
