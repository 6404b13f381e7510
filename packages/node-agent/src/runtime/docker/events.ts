// Docker's container events (start, die, oom) to the runtime's events, for the PLEG-like loop.
// Docker puts a container's labels into the event's Actor.Attributes, so no inspect is needed.
import { parseLabels } from '../labels.js';
import type { RuntimeEvent, RuntimeEventType } from '../runtime.js';

export interface EngineEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  timeNano?: number;
}

const wanted = new Set<string>(['start', 'die', 'oom']);

/** The filters that ask dockerd for the events `toRuntimeEvent` keeps. */
export const EVENT_FILTERS = { type: ['container' as const], event: [...wanted] };

export function toRuntimeEvent(e: EngineEvent): RuntimeEvent | undefined {
  if (e.Type !== 'container' || !e.Action || !wanted.has(e.Action) || !e.Actor?.ID) return undefined;
  const parsed = parseLabels(e.Actor.Attributes);
  if (!parsed) return undefined;
  const ev: RuntimeEvent = {
    type: e.Action as RuntimeEventType,
    containerId: e.Actor.ID,
    pod: parsed.pod,
    timeMs: e.timeNano !== undefined ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
  };
  if (parsed.containerName !== undefined) ev.containerName = parsed.containerName;
  const code = e.Actor.Attributes?.exitCode;
  if (e.Action === 'die' && code !== undefined && /^-?\d+$/.test(code)) ev.exitCode = Number(code);
  return ev;
}
