// The probes of every running container of the node (the kubelet's prober manager): one worker per
// container and probe type, made when a sync sees the container and stopped when it is gone; the
// results answer "ready?", "started?" and "must it be restarted?" for a container instance, and a
// change of a result makes the pod sync again (`onChange`). Failed attempts are `Unhealthy` events.
import type { Container, Pod, Probe } from '@skiff/api';
import type { Clock } from '@skiff/machinery';
import type { ContainerRuntime } from '../runtime/runtime.js';
import type { RecordEvent } from '../sync/images.js';
import { instancesOf, timeMs, type PodRuntimeState } from '../sync/pod-state.js';
import { runHandler } from './handler.js';
import { ProbeWorker, type ProbeResult, type ProbeType } from './probe-worker.js';
import type { ContainerProbeStatus, ProbeResults } from './probe-results.js';

export interface ProbeManagerDeps {
  runtime: ContainerRuntime;
  clock: Clock;
  record: RecordEvent;
  /** a result of the pod changed: sync it */
  onChange: (podUid: string) => void;
  /** false: workers probe only through probeNow (tests) */
  autoStart?: boolean;
}

const TYPES: { type: ProbeType; of: (c: Container) => Probe | undefined }[] = [
  { type: 'startup', of: (c) => c.startupProbe },
  { type: 'liveness', of: (c) => c.livenessProbe },
  { type: 'readiness', of: (c) => c.readinessProbe },
];

/**
 * What the pod's status in the API says of this very container instance: a restarted agent (even
 * after kill -9) resumes a worker from it rather than from the initial result, so a running, ready
 * pod does not turn not-ready until its first probe (the kubelet's does). The first attempt, at
 * once, confirms or corrects it. Liveness starts as success anyway.
 */
function reportedResult(pod: Pod, name: string, containerId: string, type: ProbeType): ProbeResult | undefined {
  if (type === 'liveness') return undefined;
  const s = pod.status?.containerStatuses?.find((cs) => cs.name === name);
  if (!s?.containerID?.endsWith(`://${containerId}`) || !s.state?.running) return undefined;
  if (type === 'readiness') return s.ready ? 'success' : undefined;
  return s.started ? 'success' : undefined;
}

export class ProbeManager implements ProbeResults {
  private readonly workers = new Map<string, ProbeWorker>();

  constructor(private readonly d: ProbeManagerDeps) {}

  private key(uid: string, name: string, type: ProbeType): string {
    return `${uid}/${name}/${type}`;
  }

  /** Called by every sync of a pod: workers for its running app containers' probes, none for the rest. */
  syncPod(pod: Pod, state: PodRuntimeState, podIP: string | undefined): void {
    const uid = pod.metadata.uid ?? '';
    const wanted = new Set<string>();
    for (const c of pod.spec?.containers ?? []) {
      const { latest } = instancesOf(state, c.name);
      if (latest?.state !== 'running') continue;
      for (const { type, of } of TYPES) {
        const probe = of(c);
        if (!probe) continue;
        const key = this.key(uid, c.name, type);
        wanted.add(key);
        let w = this.workers.get(key);
        const fresh = !w;
        if (!w) {
          w = new ProbeWorker(type, probe, {
            clock: this.d.clock,
            run: (p, t, timeoutMs) => runHandler(p, t, timeoutMs, this.d.runtime),
            started: (id) => this.started(uid, c, id),
            unhealthy: (t, message) => this.d.record(t.pod, 'Warning', 'Unhealthy', message),
            changed: () => this.d.onChange(uid),
          });
          this.workers.set(key, w);
        }
        w.setTarget({ pod, container: c, containerId: latest.id, startedAtMs: timeMs(latest.startedAt ?? latest.createdAt), ...(podIP ? { podIP } : {}) });
        const resumed = fresh ? reportedResult(pod, c.name, latest.id, type) : undefined;
        if (resumed) w.resume(resumed);
        if (this.d.autoStart !== false) w.start();
      }
    }
    for (const [key, w] of this.workers) if (key.startsWith(`${uid}/`) && !wanted.has(key)) this.drop(key, w);
  }

  removePod(uid: string): void {
    for (const [key, w] of this.workers) if (key.startsWith(`${uid}/`)) this.drop(key, w);
  }

  private drop(key: string, w: ProbeWorker): void {
    w.stop();
    this.workers.delete(key);
  }

  private started(uid: string, c: Container, containerId: string): boolean {
    if (!c.startupProbe) return true;
    return this.workers.get(this.key(uid, c.name, 'startup'))?.result(containerId) === 'success';
  }

  status(uid: string, c: Container, containerId: string, running: boolean): ContainerProbeStatus {
    if (!running) return { ready: false, started: false };
    const started = this.started(uid, c, containerId);
    const ready = started && (!c.readinessProbe || this.workers.get(this.key(uid, c.name, 'readiness'))?.result(containerId) === 'success');
    const out: ContainerProbeStatus = { ready, started };
    if (c.startupProbe && this.workers.get(this.key(uid, c.name, 'startup'))?.result(containerId) === 'failure') out.failed = 'startup';
    else if (c.livenessProbe && this.workers.get(this.key(uid, c.name, 'liveness'))?.result(containerId) === 'failure') out.failed = 'liveness';
    return out;
  }

  /** runs one attempt of every worker of a pod now (tests) */
  async probeNow(uid: string): Promise<void> {
    for (const { type } of TYPES) for (const [key, w] of this.workers) if (key.startsWith(`${uid}/`) && key.endsWith(`/${type}`)) await w.tick();
  }

  async stop(): Promise<void> {
    const all = [...this.workers.values()];
    for (const w of all) w.stop();
    this.workers.clear();
    await Promise.all(all.map((w) => w.done()));
  }
}
