// Records Service and Endpoints changes between syncs, as kube-proxy's ServiceChangeTracker and
// EndpointsChangeTracker: informer handlers only call update(previous, current); the sync applies
// the pending changes to its map and learns which services changed (for a partial sync). A change
// that returns an object to what the last sync saw cancels out.
import { isDeepStrictEqual } from 'node:util';
import type { Endpoints, Service } from '@skiff/api';
import { endpointsOf, type EndpointInfo } from './endpoint-info.js';
import { serviceKey, servicePortsOf, type ServicePortInfo } from './service-port.js';

interface Change<T> {
  previous: Map<string, T>;
  current: Map<string, T>;
}

/** One tracker over objects of one kind, converted to per-service-port values by `convert`. */
class ChangeTracker<O extends { metadata?: { namespace?: string; name?: string } }, T> {
  private readonly items = new Map<string, Change<T>>();

  constructor(private readonly convert: (o: O | undefined) => Map<string, T>) {}

  /** Records a change (add: previous undefined; delete: current undefined). True if still pending. */
  update(previous: O | undefined, current: O | undefined): boolean {
    const obj = current ?? previous;
    if (!obj) return false;
    const key = serviceKey(obj.metadata?.namespace, obj.metadata?.name);
    const change = this.items.get(key) ?? { previous: this.convert(previous), current: new Map<string, T>() };
    change.current = this.convert(current);
    if (isDeepStrictEqual(change.previous, change.current)) this.items.delete(key);
    else this.items.set(key, change);
    return this.items.has(key);
  }

  /** Services ("ns/name") with changes waiting for the next sync. */
  pending(): number {
    return this.items.size;
  }

  /** Applies the pending changes to `map` and returns the services ("ns/name") that changed. */
  apply(map: Map<string, T>): Set<string> {
    const changed = new Set<string>();
    for (const [key, change] of this.items) {
      for (const name of change.previous.keys()) map.delete(name);
      for (const [name, value] of change.current) map.set(name, value);
      changed.add(key);
    }
    this.items.clear();
    return changed;
  }
}

/** ServicePortName -> ServicePortInfo, as the last sync saw it. */
export type ServicePortMap = Map<string, ServicePortInfo>;
/** ServicePortName -> its endpoints, as the last sync saw them. */
export type EndpointsMap = Map<string, EndpointInfo[]>;

export class ServiceChangeTracker extends ChangeTracker<Service, ServicePortInfo> {
  constructor() {
    super(servicePortsOf);
  }
}

export class EndpointsChangeTracker extends ChangeTracker<Endpoints, EndpointInfo[]> {
  constructor(nodeName: string) {
    super((ep) => endpointsOf(ep, nodeName));
  }
}
