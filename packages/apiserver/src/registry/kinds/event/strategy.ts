// Event: stored as written (a client's event recorder correlates repeats and patches count and
// lastTimestamp, as client-go's), with its timestamps defaulted, and written with a lease so that it
// expires after the event TTL (as kube-apiserver's --event-ttl).
import type { KObject } from '@skiff/api';
import { baseStrategy, type Strategy } from '../../strategy.js';
import { now } from '../../time.js';

interface EventTimes {
  firstTimestamp?: string;
  lastTimestamp?: string;
}

export const eventStrategy: Strategy = {
  ...baseStrategy('Event'),
  prepareForCreate(obj: KObject) {
    const e = obj as KObject & EventTimes;
    e.firstTimestamp ??= now();
    e.lastTimestamp ??= e.firstTimestamp;
  },
  storageLease: (ctx) => ctx.eventLeases.lease(),
};
