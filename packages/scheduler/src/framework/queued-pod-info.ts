// A pod waiting in the scheduling queue, with its attempt history.
import type { PodInfo } from './pod-info.js';

export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When it was (re)added to the queue, ms since the epoch: the tie-breaker after priority. */
  timestamp: number;
  /** Scheduling attempts so far; drives the backoff. */
  attempts: number;
  /** When it was first added: the start of its end-to-end latency. */
  initialAttemptTimestamp: number;
  /** The plugins that rejected it in its last attempt: only their events move it back. */
  unschedulablePlugins: Set<string>;
}
