// The label schema that ties every runtime object to its pod: written by both runtimes when they
// create a sandbox or container, read back by `list*`, events and `recover` (like the kubelet's
// io.kubernetes.* labels on dockershim containers).
import type { ContainerConfig, PodRef, PodSandboxConfig } from './runtime.js';

const PREFIX = 'io.skiff.';

export const LABELS = {
  /** "sandbox" or "container"; present on everything the runtime made */
  type: `${PREFIX}type`,
  podUid: `${PREFIX}pod.uid`,
  podNamespace: `${PREFIX}pod.namespace`,
  podName: `${PREFIX}pod.name`,
  sandboxAttempt: `${PREFIX}sandbox.attempt`,
  /** on app containers: the id of the sandbox they joined */
  sandboxId: `${PREFIX}sandbox.id`,
  containerName: `${PREFIX}container.name`,
  restartCount: `${PREFIX}container.restart-count`,
  specHash: `${PREFIX}container.spec-hash`,
} as const;

export type ObjectType = 'sandbox' | 'container';

const reserved = new Set<string>(Object.values(LABELS));

function podLabels(pod: PodRef): Record<string, string> {
  return { [LABELS.podUid]: pod.uid, [LABELS.podNamespace]: pod.namespace, [LABELS.podName]: pod.name };
}

export function sandboxLabels(config: PodSandboxConfig): Record<string, string> {
  const own = Object.fromEntries(Object.entries(config.labels ?? {}).filter(([k]) => !reserved.has(k)));
  return { ...own, ...podLabels(config.pod), [LABELS.type]: 'sandbox', [LABELS.sandboxAttempt]: String(config.attempt) };
}

export function containerLabels(sandboxId: string, config: ContainerConfig): Record<string, string> {
  const labels: Record<string, string> = {
    ...podLabels(config.pod),
    [LABELS.type]: 'container',
    [LABELS.sandboxId]: sandboxId,
    [LABELS.containerName]: config.name,
    [LABELS.restartCount]: String(config.restartCount),
  };
  if (config.specHash !== undefined) labels[LABELS.specHash] = config.specHash;
  return labels;
}

/** What the labels of a runtime object say; undefined when it is not one of ours or is damaged. */
export interface ParsedLabels {
  type: ObjectType;
  pod: PodRef;
  attempt: number;
  sandboxId?: string;
  containerName?: string;
  restartCount: number;
  specHash?: string;
  /** labels other than the reserved ones (the pod's own labels on a sandbox) */
  own: Record<string, string>;
}

function count(v: string | undefined): number | undefined {
  if (v === undefined) return 0;
  return /^\d+$/.test(v) ? Number(v) : undefined;
}

export function parseLabels(labels: Record<string, string> | undefined): ParsedLabels | undefined {
  if (!labels) return undefined;
  const type = labels[LABELS.type];
  if (type !== 'sandbox' && type !== 'container') return undefined;
  const uid = labels[LABELS.podUid];
  const namespace = labels[LABELS.podNamespace];
  const name = labels[LABELS.podName];
  if (!uid || namespace === undefined || !name) return undefined;
  const attempt = count(labels[LABELS.sandboxAttempt]);
  const restartCount = count(labels[LABELS.restartCount]);
  if (attempt === undefined || restartCount === undefined) return undefined;
  const containerName = labels[LABELS.containerName];
  const sandboxId = labels[LABELS.sandboxId];
  if (type === 'container' && (!containerName || !sandboxId)) return undefined;
  const parsed: ParsedLabels = {
    type,
    pod: { uid, namespace, name },
    attempt,
    restartCount,
    own: Object.fromEntries(Object.entries(labels).filter(([k]) => !reserved.has(k))),
  };
  if (type === 'container') {
    parsed.containerName = containerName;
    parsed.sandboxId = sandboxId;
  }
  if (labels[LABELS.specHash] !== undefined) parsed.specHash = labels[LABELS.specHash];
  return parsed;
}

/** Docker label filters that select the runtime's objects (all, or one pod's). */
export function labelFilter(type?: ObjectType, podUid?: string): string[] {
  const f = [type ? `${LABELS.type}=${type}` : LABELS.type];
  if (podUid !== undefined) f.push(`${LABELS.podUid}=${podUid}`);
  return f;
}
