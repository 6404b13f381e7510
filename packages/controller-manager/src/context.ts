// What a controller gets when the controller-manager starts it (as Kubernetes' ControllerContext):
// the clients, the shared informers of this leadership term, the event broadcaster, a logger and
// the metrics registry. A controller runs until `signal` aborts.
import type { Registry } from 'prom-client';
import type { ControllerManagerConfig } from './config.js';
import type { Client, Clientset, Clock, EventBroadcaster, Logger, SharedInformerFactory } from '@skiff/machinery';

export interface ControllerContext {
  client: Client;
  clientset: Clientset;
  /** Shared by every controller of the process: one list+watch per resource. */
  factory: SharedInformerFactory;
  events: EventBroadcaster;
  log: Logger;
  registry?: Registry;
  clock: Clock;
  /** Concurrent reconciles per controller. */
  workers: number;
  signal: AbortSignal;
  /** The process's flags (each controller reads its own). */
  config: ControllerManagerConfig;
}

/** A controller as the registry lists it: a name (the --controllers flag's) and how to run it. */
export interface ControllerDescriptor {
  name: string;
  /** Runs the controller until ctx.signal aborts; resolves once it has stopped. */
  run(ctx: ControllerContext): Promise<void>;
  /** Throws a clear error for flags this controller cannot run with (checked before leading). */
  validate?(config: ControllerManagerConfig): void;
}
