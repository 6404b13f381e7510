// The lab's state file (`<stateDir>/lab.json`): what `up` made, written before it is made, so `down`
// finds everything again. Paths of a node derive from the state dir, so they can be recomputed too.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cgroupParent, containerdNamespace, netnsName, nodeName, vethName, type LabNames } from './names.js';

export const DEFAULT_STATE_ROOT = '/var/lib/skiff/lab';
export const STATE_FILE = 'lab.json';

export interface NodeState {
  name: string;
  index: number;
  netns: string;
  /** host side of the node's veth; the namespace side is eth0 */
  veth: string;
  address: string;
  dir: string;
  dataRoot: string;
  execRoot: string;
  /** path of the engine's unix socket; DOCKER_HOST is `unix://<socket>` */
  socket: string;
  pidfile: string;
  logFile: string;
  cgroupParent: string;
  containerdNamespace: string;
}

export interface LabState {
  version: 1;
  name: string;
  hash: string;
  stateDir: string;
  subnet: string;
  bridge: string;
  bridgeAddress: string;
  forwardChain: string;
  natChain: string;
  dockerdArgs: string[];
  nodes: NodeState[];
}

export function defaultStateDir(lab: string): string {
  return join(DEFAULT_STATE_ROOT, lab);
}

export function nodeLayout(stateDir: string, names: LabNames, index: number, address: string): NodeState {
  const name = nodeName(index);
  const dir = join(stateDir, 'nodes', name);
  return {
    name,
    index,
    netns: netnsName(names, name),
    veth: vethName(names, index),
    address,
    dir,
    dataRoot: join(dir, 'docker'),
    execRoot: join(dir, 'exec'),
    socket: join(dir, 'docker.sock'),
    pidfile: join(dir, 'dockerd.pid'),
    logFile: join(dir, 'dockerd.log'),
    cgroupParent: cgroupParent(names, name),
    containerdNamespace: containerdNamespace(names, name),
  };
}

// Synchronous: one small file, read and written on the way to the engines' start (see lock.ts).
export async function readState(stateDir: string): Promise<LabState | undefined> {
  let text: string;
  try {
    text = readFileSync(join(stateDir, STATE_FILE), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  return JSON.parse(text) as LabState;
}

export async function writeState(state: LabState): Promise<void> {
  mkdirSync(state.stateDir, { recursive: true });
  const file = join(state.stateDir, STATE_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}
