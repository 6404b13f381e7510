// The pod phase from its container statuses (the kubelet's getPhase): Pending while an init
// container has not succeeded or a container has not run yet; Running while one runs (or all
// stopped and will restart); under Never (or OnFailure with all succeeded) Succeeded or Failed once
// all stopped. A pod that reached Succeeded or Failed stays there. A pod being deleted whose
// containers all stopped (`terminating`) ends as under Never: nothing restarts it.
import type { ContainerStatus, PodSpec } from '@skiff/api';

export function podPhase(spec: PodSpec, init: readonly ContainerStatus[], app: readonly ContainerStatus[], previous?: string, terminating = false): string {
  if (previous === 'Succeeded' || previous === 'Failed') return previous;
  const policy = terminating ? 'Never' : (spec.restartPolicy ?? 'Always');
  for (const s of init) {
    const t = s.state?.terminated;
    if (t?.exitCode === 0) continue;
    const failed = t !== undefined || s.lastState?.terminated !== undefined;
    return failed && policy === 'Never' ? 'Failed' : 'Pending';
  }
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let failed = 0;
  let succeeded = 0;
  for (const s of app) {
    const last = s.state?.terminated ?? (s.state?.waiting ? s.lastState?.terminated : undefined);
    if (s.state?.running) running++;
    else if (last) {
      stopped++;
      if (last.exitCode === 0) succeeded++;
      else failed++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (policy === 'OnFailure') return succeeded === stopped ? 'Succeeded' : 'Running';
    return failed > 0 ? 'Failed' : 'Succeeded';
  }
  return 'Pending';
}
