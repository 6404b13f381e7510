// The compose lab's state folder (default <repo>/.skiff/compose): its settings (compose.json), the
// rendered compose file, the secrets the containers mount, skiffctl's config for the lab.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { statePaths, type StatePaths } from '@skiff/cluster';
import type { ComposeTarget } from './docker.js';

export interface ComposeSettings {
  version: 1;
  project: string;
  nodes: number;
  clusterCIDR: string;
  /** the apiserver's port, published on every address of the engine's machine */
  apiPort: number;
  /** the registry's port, published on the engine's 127.0.0.1 (pushes come from the engine) */
  registryPort: number;
  /** where skiffctl reaches the published apiserver port */
  apiAddress: string;
  /** the image every service runs, and its BASE */
  image: string;
  base: string;
  /** images this lab added to the engine (removed by `down --images`) */
  builtImages: string[];
}

export interface ComposePaths {
  dir: string;
  settings: string;
  composeFile: string;
  /** tokens (the cluster's token files, mounted at /etc/skiff) */
  secrets: StatePaths;
  skiffctlConfig: string;
}

export function composePaths(dir: string): ComposePaths {
  const d = resolve(dir);
  return {
    dir: d,
    settings: join(d, 'compose.json'),
    composeFile: join(d, 'docker-compose.yml'),
    secrets: statePaths(join(d, 'secrets')),
    skiffctlConfig: join(d, 'skiffctl.yaml'),
  };
}

export function readSettings(p: ComposePaths): ComposeSettings | undefined {
  if (!existsSync(p.settings)) return undefined;
  return JSON.parse(readFileSync(p.settings, 'utf8')) as ComposeSettings;
}

export function writeSettings(p: ComposePaths, s: ComposeSettings): void {
  writeFileSync(p.settings, JSON.stringify(s, null, 2) + '\n');
}

export function composeTarget(p: ComposePaths, s: ComposeSettings): ComposeTarget {
  return {
    project: s.project,
    file: p.composeFile,
    env: {
      SKIFF_IMAGE: s.image,
      SKIFF_SECRETS: p.secrets.dir,
      SKIFF_API_PORT: String(s.apiPort),
      SKIFF_REGISTRY_PORT: String(s.registryPort),
      SKIFF_PROJECT: s.project,
    },
  };
}

/** The cgroup parent of a node's dockerd (the compose file's SKIFF_CGROUP_PARENT). */
export function nodeCgroupParent(project: string, node: string): string {
  return `/skiff-compose-${project}-${node}`;
}
