// One leader-elected run loop for every control-plane process (scheduler, controller-manager):
// campaign for the Lease, run the leader-only work while holding it, and report how it ended.
// Losing the lease means the process must stop at once (as kube-scheduler and
// kube-controller-manager, which exit): `done` resolves "leadership-lost" so main can exit non-zero.
// The flags are Kubernetes' (--leader-elect, --leader-elect-lease-duration, ...), in seconds.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client } from '../client/types.js';
import type { Logger } from '../log.js';
import { LeaderElector } from './leader-elector.js';

export interface LeaderElectionOptions {
  /** Run the work only while holding the Lease; false runs it at once. */
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** This candidate's name in the Lease; default hostname_uuid. */
  identity?: string;
}

/** Kubernetes' defaults: 15 s / 10 s / 2 s, the Lease in kube-system. */
export function defaultLeaderElection(leaseName: string): LeaderElectionOptions {
  return { leaderElect: true, leaseNamespace: 'kube-system', leaseName, leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
}

export type LeaderElectedEnd = 'stopped' | 'leadership-lost';

export interface LeaderElectedRun {
  identity: string;
  isLeader(): boolean;
  /** Settles after the work returned: "stopped" (the signal aborted) or "leadership-lost". Never rejects. */
  done: Promise<LeaderElectedEnd>;
}

export interface RunLeaderElectedOptions extends LeaderElectionOptions {
  client: Client;
  log: Logger;
  /** Stops campaigning and leading (the lease is released). */
  signal: AbortSignal;
  /** The leader-only work; `lead` aborts when leadership ends. Errors are logged. */
  work(lead: AbortSignal): Promise<void>;
}

export function runLeaderElected(o: RunLeaderElectedOptions): LeaderElectedRun {
  const identity = o.identity ?? `${hostname()}_${randomUUID()}`;
  let leading = false;
  const work = async (lead: AbortSignal): Promise<void> => {
    leading = true;
    try {
      await o.work(lead);
    } catch (err) {
      o.log.error('leader work failed', { err });
    }
  };
  if (!o.leaderElect) {
    return { identity, isLeader: () => leading, done: work(o.signal).then(() => 'stopped' as const) };
  }
  let end: LeaderElectedEnd = 'stopped';
  const elector = new LeaderElector({
    client: o.client,
    namespace: o.leaseNamespace,
    name: o.leaseName,
    identity,
    leaseDurationMs: o.leaseDurationMs,
    renewDeadlineMs: o.renewDeadlineMs,
    retryPeriodMs: o.retryPeriodMs,
    releaseOnCancel: true,
    log: o.log,
    callbacks: {
      onStartedLeading: work,
      onStoppedLeading: () => {
        leading = false;
        if (!o.signal.aborted) {
          o.log.error('leader election lost');
          end = 'leadership-lost';
        }
      },
      onNewLeader: (who) => o.log.info('new leader', { leader: who }),
    },
  });
  return { identity, isLeader: () => leading, done: elector.run(o.signal).then(() => end) };
}

/** The yargs options for leader election, Kubernetes' names; durations in seconds. */
export function leaderElectionFlags(d: LeaderElectionOptions) {
  return {
    'leader-elect': { type: 'boolean', default: d.leaderElect, describe: 'run only while holding the Lease (run several for HA)' },
    'leader-elect-resource-namespace': { type: 'string', default: d.leaseNamespace, describe: "the Lease's namespace" },
    'leader-elect-resource-name': { type: 'string', default: d.leaseName, describe: "the Lease's name" },
    'leader-elect-lease-duration': { type: 'number', default: d.leaseDurationMs / 1000, describe: 'seconds a standby waits after the last renewal before taking over' },
    'leader-elect-renew-deadline': { type: 'number', default: d.renewDeadlineMs / 1000, describe: 'seconds the leader keeps trying to renew before it stops' },
    'leader-elect-retry-period': { type: 'number', default: d.retryPeriodMs / 1000, describe: 'seconds between acquire and renew attempts' },
    'leader-elect-identity': { type: 'string', describe: 'name in the Lease (default: hostname_uuid)' },
  } as const;
}

export interface LeaderElectionArgv {
  'leader-elect': boolean;
  'leader-elect-resource-namespace': string;
  'leader-elect-resource-name': string;
  'leader-elect-lease-duration': number;
  'leader-elect-renew-deadline': number;
  'leader-elect-retry-period': number;
  'leader-elect-identity'?: string | undefined;
}

export function leaderElectionFromFlags(a: LeaderElectionArgv): LeaderElectionOptions {
  return {
    leaderElect: a['leader-elect'],
    leaseNamespace: a['leader-elect-resource-namespace'],
    leaseName: a['leader-elect-resource-name'],
    leaseDurationMs: a['leader-elect-lease-duration'] * 1000,
    renewDeadlineMs: a['leader-elect-renew-deadline'] * 1000,
    retryPeriodMs: a['leader-elect-retry-period'] * 1000,
    ...(a['leader-elect-identity'] ? { identity: a['leader-elect-identity'] } : {}),
  };
}
