// Every name the lab gives to a kernel object derives from the lab name, so two labs coexist and a
// lab's leftovers are found again without its state file. Interface names fit Linux's 15 characters.
import { createHash } from 'node:crypto';
import { LabError } from './errors.js';

export const DEFAULT_LAB_NAME = 'default';
const NAME_RE = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
const IFNAMSIZ = 15;

export interface LabNames {
  lab: string;
  /** six hex digits of sha256(lab name) */
  hash: string;
  bridge: string;
  /** iptables chains (filter FORWARD and nat POSTROUTING), SKIFF- prefixed */
  forwardChain: string;
  natChain: string;
  /** prefix of every host-side veth of this lab */
  vethPrefix: string;
  /** prefix of every network namespace of this lab */
  netnsPrefix: string;
}

export function validateLabName(name: string): void {
  if (!NAME_RE.test(name)) {
    throw new LabError(`invalid lab name ${JSON.stringify(name)}: use 1-32 of a-z, 0-9 and '-' (not at the ends)`);
  }
}

export function labNames(lab: string): LabNames {
  validateLabName(lab);
  const hash = createHash('sha256').update(lab).digest('hex').slice(0, 6);
  const names: LabNames = {
    lab,
    hash,
    bridge: `sk-${hash}-br`,
    forwardChain: `SKIFF-LAB-${hash.toUpperCase()}-FWD`,
    natChain: `SKIFF-LAB-${hash.toUpperCase()}-NAT`,
    vethPrefix: `sk-${hash}-`,
    netnsPrefix: `skiff-${lab}-`,
  };
  return names;
}

/** Node names are n1..nN. */
export function nodeName(index: number): string {
  return `n${index}`;
}

export function nodeIndex(name: string): number | undefined {
  const m = /^n([1-9][0-9]{0,2})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function netnsName(names: LabNames, node: string): string {
  return `${names.netnsPrefix}${node}`;
}

/** Host side of the node's veth: `sk-<hash>-<index>`, at most 13 characters. */
export function vethName(names: LabNames, index: number): string {
  const v = `${names.vethPrefix}${index}`;
  if (v.length > IFNAMSIZ) throw new LabError(`interface name ${v} is longer than ${IFNAMSIZ} characters`);
  return v;
}

/** cgroup parent of the node's dockerd (cgroupfs driver): one directory per node under each controller. */
export function cgroupParent(names: LabNames, node: string): string {
  return `skiff-lab-${names.hash}-${node}`;
}

/** containerd namespace, so engines never collide even when they share a system containerd. */
export function containerdNamespace(names: LabNames, node: string): string {
  return `skiff-${names.hash}-${node}`;
}
