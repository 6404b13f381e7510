// When a process that exited is started again: at once the first time, then after 1 s doubling to
// 30 s; a process that ran for a minute is healthy again and starts over at once.
export const RESTART_MAX_MS = 30_000;
export const HEALTHY_AFTER_MS = 60_000;

export function restartDelayMs(previousDelayMs: number | undefined, ranForMs: number): number {
  if (previousDelayMs === undefined || ranForMs >= HEALTHY_AFTER_MS) return 0;
  return Math.min(RESTART_MAX_MS, previousDelayMs === 0 ? 1000 : previousDelayMs * 2);
}
