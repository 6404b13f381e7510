// The keys the correlator groups events by, as client-go's events_cache.go.
import type { Event } from '@skiff/api';

function join(parts: (string | undefined)[]): string {
  return parts.map((p) => p ?? '').join('\u0000');
}

function objectParts(e: Event): (string | undefined)[] {
  const o = e.involvedObject;
  return [o.kind, o.namespace, o.name, o.uid, o.apiVersion];
}

/** Identical events: same source, object, type, reason and message. */
export function eventKey(e: Event): string {
  return join([e.source?.component, e.source?.host, ...objectParts(e), e.involvedObject.fieldPath, e.type, e.reason, e.message]);
}

/** Similar events (the message aside): the aggregator's key. */
export function aggregateKey(e: Event): string {
  return join([e.source?.component, e.source?.host, ...objectParts(e), e.type, e.reason, e.reportingComponent, e.reportingInstance]);
}

/** One source about one object: the spam filter's key. */
export function spamKey(e: Event): string {
  return join([e.source?.component, e.source?.host, ...objectParts(e)]);
}
