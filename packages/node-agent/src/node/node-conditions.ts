// The node's conditions (the kubelet's condition setters): Ready is True only while the runtime
// answers, its relist (PLEG) is healthy and the pod network checks out; MemoryPressure and
// DiskPressure as the eviction thresholds say (pressure.ts), PIDPressure False. A condition keeps its lastTransitionTime while its status stays, and its
// lastHeartbeatTime is the time of the report.
import type { NodeCondition } from '@skiff/api';
import { compareStrings } from '@skiff/api';

export interface NodeHealth {
  /** undefined while healthy, else why not: "container runtime is down: ...", "network is not ready: ..." */
  problem?: string;
  memoryPressure?: boolean;
  diskPressure?: boolean;
}

type Pressure = [type: string, reason: string, message: string, pressed?: keyof NodeHealth, reasonTrue?: string, messageTrue?: string];

const PRESSURE: Pressure[] = [
  ['MemoryPressure', 'KubeletHasSufficientMemory', 'node agent has sufficient memory available', 'memoryPressure', 'KubeletHasInsufficientMemory', 'node agent has insufficient memory available'],
  ['DiskPressure', 'KubeletHasNoDiskPressure', 'node agent has no disk pressure', 'diskPressure', 'KubeletHasDiskPressure', 'node agent has disk pressure'],
  ['PIDPressure', 'KubeletHasSufficientPID', 'node agent has sufficient PID available'],
];

export function nodeConditions(prev: readonly NodeCondition[], health: NodeHealth, nowIso: string): NodeCondition[] {
  const make = (type: string, status: string, reason: string, message: string): NodeCondition => {
    const before = prev.find((c) => c.type === type);
    return { type, status, reason, message, lastHeartbeatTime: nowIso, lastTransitionTime: before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : nowIso };
  };
  const out = PRESSURE.map(([type, reason, message, pressed, reasonTrue, messageTrue]) =>
    pressed && health[pressed] ? make(type, 'True', reasonTrue ?? reason, messageTrue ?? message) : make(type, 'False', reason, message),
  );
  out.push(health.problem === undefined ? make('Ready', 'True', 'KubeletReady', 'node agent is posting ready status') : make('Ready', 'False', 'KubeletNotReady', health.problem));
  return out;
}

/** Whether two condition lists say the same, heartbeats aside. */
export function conditionsEqual(a: readonly NodeCondition[], b: readonly NodeCondition[]): boolean {
  const key = (l: readonly NodeCondition[]) =>
    JSON.stringify([...l].sort((x, y) => compareStrings(x.type, y.type)).map((c) => [c.type, c.status, c.reason ?? '', c.message ?? '', c.lastTransitionTime ?? '']));
  return key(a) === key(b);
}
