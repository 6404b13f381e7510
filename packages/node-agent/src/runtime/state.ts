// From the engine's container state to CRI's four states and a terminated state's reason, as
// dockershim did it. Docker's state object is the shape both runtimes keep (the fake holds the same
// fields), so one mapping serves both.
import type { ContainerStateName } from './runtime.js';

/** The fields of Docker's `State` (container inspect) that the agent reads. */
export interface EngineState {
  /** created, running, paused, restarting, removing, exited, dead */
  Status: string;
  ExitCode?: number;
  OOMKilled?: boolean;
  Error?: string;
  StartedAt?: string;
  FinishedAt?: string;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';

/** An engine timestamp, or undefined for Docker's zero time. */
export function engineTime(t: string | undefined): string | undefined {
  if (!t || t === ZERO_TIME || t.startsWith('0001-01-01')) return undefined;
  return t;
}

/** CRI's state for an engine status string (inspect's State.Status or list's State). */
export function stateName(status: string): ContainerStateName {
  switch (status) {
    case 'created':
      return 'created';
    case 'running':
    case 'paused':
    case 'restarting':
      return 'running';
    case 'exited':
    case 'dead':
    case 'removing':
      return 'exited';
    default:
      return 'unknown';
  }
}

export interface TerminationInfo {
  state: ContainerStateName;
  exitCode?: number;
  reason?: string;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** State, exit code, reason and message of a container, as the kubelet reports them. */
export function terminationInfo(s: EngineState): TerminationInfo {
  const startedAt = engineTime(s.StartedAt);
  const finishedAt = engineTime(s.FinishedAt);
  const state = stateName(s.Status);
  const info: TerminationInfo = { state };
  if (startedAt) info.startedAt = startedAt;
  if (state === 'running') return info;
  if (finishedAt && state === 'exited') {
    info.finishedAt = finishedAt;
    info.exitCode = s.ExitCode ?? 0;
    info.reason = s.OOMKilled ? 'OOMKilled' : info.exitCode === 0 ? 'Completed' : 'Error';
    if (s.Error) info.message = s.Error;
    return info;
  }
  if ((s.ExitCode ?? 0) !== 0 || s.Error) {
    // it never ran: the engine could not start it (no such executable, a port taken...)
    info.state = 'exited';
    info.exitCode = s.ExitCode ?? 128;
    info.reason = 'ContainerCannotRun';
    if (s.Error) info.message = s.Error;
    return info;
  }
  return info;
}
