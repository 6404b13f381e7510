// Parts every description shares: the metadata header, Controlled By, pod templates and
// containers, and the Events table at the end.
import { PLACEMENT_EXPLANATION_ANNOTATION, type KObject } from '@skiff/api';
import { age } from '../age.js';
import { LAST_APPLIED } from '../last-applied.js';
import { eventCount, eventFirstSeen, eventLastSeen, eventSource } from '../printers/cluster-columns.js';
import type { Loose } from '../printers/column.js';
import { environment, mounts } from './env.js';
import { describeTime } from './time.js';
import { volumes } from './volumes.js';
import type { DescribeWriter } from './writer.js';

export function header(w: DescribeWriter, obj: KObject, now: number, opts: { namespaced: boolean; labelsAfterName?: boolean }): void {
  const m = obj.metadata;
  w.kv(0, 'Name', m.name);
  if (opts.namespaced) w.kv(0, 'Namespace', m.namespace);
  w.map(0, 'Labels', m.labels);
  annotations(w, 0, m.annotations);
  w.kv(0, 'CreationTimestamp', describeTime(m.creationTimestamp));
  if (m.deletionTimestamp) w.kv(0, 'Terminating', `since ${describeTime(m.deletionTimestamp)} (${age(m.deletionTimestamp, now)} ago)`);
  if (m.finalizers && m.finalizers.length > 0) w.kv(0, 'Finalizers', `[${m.finalizers.join(' ')}]`);
  const owner = (m.ownerReferences ?? []).find((r) => r.controller);
  if (owner) w.kv(0, 'Controlled By', `${owner.kind}/${owner.name}`);
}

/**
 * Annotations `k: v`, without the (long) last-applied configuration, as kubectl shows them, and
 * without the scheduler's explanation (describe pod shows it readably as Placement).
 */
export function annotations(w: DescribeWriter, indent: number, a: Record<string, string> | undefined): void {
  const shown = Object.fromEntries(Object.entries(a ?? {}).filter(([k]) => k !== LAST_APPLIED && k !== PLACEMENT_EXPLANATION_ANNOTATION));
  w.map(indent, 'Annotations', shown, ': ');
}

export function events(w: DescribeWriter, evs: readonly KObject[], now: number): void {
  if (evs.length === 0) {
    w.kv(0, 'Events', '<none>');
    return;
  }
  w.text(0, 'Events:');
  const sorted = [...evs].sort((a, b) => Date.parse(eventLastSeen(a) ?? '') - Date.parse(eventLastSeen(b) ?? ''));
  const rows = sorted.map((e) => {
    const x = e as Loose;
    const n = eventCount(e);
    const last = age(eventLastSeen(e), now);
    const when = n > 1 ? `${last} (x${n} over ${age(eventFirstSeen(e), now)})` : last;
    return [x.type ?? '', x.reason ?? '', when, eventSource(e), String(x.message ?? '').trim()];
  });
  w.table(2, ['Type', 'Reason', 'Age', 'From', 'Message'], rows, ['----', '------', '----', '----', '-------']);
}

function ports(c: Loose): string[] {
  return ((c.ports ?? []) as Loose[]).map((p) => `${p.containerPort}/${p.protocol || 'TCP'}${p.name ? ` (${p.name})` : ''}`);
}

function probe(p: Loose | undefined): string | undefined {
  if (!p) return undefined;
  let how = 'unknown';
  if (p.httpGet) how = `http-get ${(p.httpGet.scheme || 'HTTP').toLowerCase()}://${p.httpGet.host ?? ''}:${p.httpGet.port}${p.httpGet.path ?? '/'}`;
  else if (p.tcpSocket) how = `tcp-socket ${p.tcpSocket.host ?? ''}:${p.tcpSocket.port}`;
  else if (p.exec) how = `exec [${((p.exec.command ?? []) as string[]).join(' ')}]`;
  else if (p.grpc) how = `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''}`;
  return `${how} delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 1}s period=${p.periodSeconds ?? 10}s #success=${p.successThreshold ?? 1} #failure=${p.failureThreshold ?? 3}`;
}

function state(w: DescribeWriter, indent: number, key: string, s: Loose | undefined): void {
  if (s?.running) {
    w.kv(indent, key, 'Running');
    w.kv(indent + 2, 'Started', describeTime(s.running.startedAt));
  } else if (s?.waiting) {
    w.kv(indent, key, 'Waiting');
    if (s.waiting.reason) w.kv(indent + 2, 'Reason', s.waiting.reason);
    if (s.waiting.message) w.kv(indent + 2, 'Message', s.waiting.message);
  } else if (s?.terminated) {
    const t = s.terminated;
    w.kv(indent, key, 'Terminated');
    if (t.reason) w.kv(indent + 2, 'Reason', t.reason);
    if (t.message) w.kv(indent + 2, 'Message', t.message);
    w.kv(indent + 2, 'Exit Code', t.exitCode ?? 0);
    if (t.signal) w.kv(indent + 2, 'Signal', t.signal);
    w.kv(indent + 2, 'Started', describeTime(t.startedAt));
    w.kv(indent + 2, 'Finished', describeTime(t.finishedAt));
  } else if (key === 'State') {
    w.kv(indent, key, 'Waiting');
  }
}

/** Containers (of a pod, with their statuses, or of a template). */
export function containers(w: DescribeWriter, indent: number, title: string, list: Loose[], statuses?: Loose[], pod?: Loose): void {
  if (list.length === 0) return;
  w.text(indent, `${title}:`);
  for (const c of list) {
    const i = indent + 2;
    w.text(i, `${c.name}:`);
    const cs = statuses?.find((s) => s.name === c.name);
    if (cs?.containerID) w.kv(i + 2, 'Container ID', cs.containerID);
    w.kv(i + 2, 'Image', c.image ?? '');
    if (cs) w.kv(i + 2, 'Image ID', cs.imageID ?? '');
    const ps = ports(c);
    w.kv(i + 2, ps.length > 1 ? 'Ports' : 'Port', ps.length > 0 ? ps.join(', ') : '<none>');
    if (c.command) w.kv(i + 2, 'Command', (c.command as string[]).join('\n'));
    if (c.args) w.kv(i + 2, 'Args', (c.args as string[]).join('\n'));
    if (statuses) {
      state(w, i + 2, 'State', cs?.state);
      if (cs?.lastState && Object.keys(cs.lastState).length > 0) state(w, i + 2, 'Last State', cs.lastState);
      w.kv(i + 2, 'Ready', cs?.ready ? 'True' : 'False');
      w.kv(i + 2, 'Restart Count', cs?.restartCount ?? 0);
    }
    const limits = c.resources?.limits as Record<string, string> | undefined;
    const requests = c.resources?.requests as Record<string, string> | undefined;
    // As kubectl: a heading, then `name:  quantity` lines aligned among themselves.
    for (const [title, list] of [['Limits', limits], ['Requests', requests]] as const) {
      if (!list || Object.keys(list).length === 0) continue;
      w.text(i + 2, `${title}:`);
      for (const [k, v] of Object.entries(list).sort(([a], [b]) => (a < b ? -1 : 1))) w.kv(i + 4, k, v);
    }
    for (const [k, p] of [['Liveness', c.livenessProbe], ['Readiness', c.readinessProbe], ['Startup', c.startupProbe]] as const) {
      const text = probe(p);
      if (text) w.kv(i + 2, k, text);
    }
    environment(w, i + 2, c, pod);
    mounts(w, i + 2, c);
  }
}

export function podTemplate(w: DescribeWriter, template: Loose | undefined): void {
  w.text(0, 'Pod Template:');
  w.map(2, 'Labels', template?.metadata?.labels);
  if (template?.metadata?.annotations) annotations(w, 2, template.metadata.annotations);
  const spec: Loose = template?.spec ?? {};
  containers(w, 2, 'Init Containers', spec.initContainers ?? []);
  containers(w, 2, 'Containers', spec.containers ?? []);
  volumes(w, 2, spec.volumes ?? []);
}

/** kubectl underlines the header of a workload's conditions, not of a pod's. */
export function conditions(w: DescribeWriter, list: Loose[] | undefined, withReason: boolean, underline = true): void {
  if (!list || list.length === 0) return;
  w.text(0, 'Conditions:');
  const header = withReason ? ['Type', 'Status', 'Reason'] : ['Type', 'Status'];
  w.table(2, header, list.map((c) => (withReason ? [c.type, c.status, c.reason ?? ''] : [c.type, c.status])), underline);
}
