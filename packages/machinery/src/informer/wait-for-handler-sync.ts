// client-go's WaitForCacheSync over handler registrations: an informer being synced is not enough,
// each handler must also have received the informer's initial contents before workers start.
import type { HandlerRegistration } from './shared-informer.js';

const POLL_MS = 100;

/**
 * Resolves true once every registration has synced (its informer synced and the initial adds were
 * delivered to its handler), false if `signal` aborts first.
 */
export async function waitForHandlersSynced(registrations: readonly Pick<HandlerRegistration, 'hasSynced' | 'idle'>[], signal: AbortSignal): Promise<boolean> {
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  for (const r of registrations) {
    // idle() resolves when the handler's buffer is empty; once its informer has synced that covers
    // the initial notifications. Before that, poll as client-go does (every 100 ms).
    while (!r.hasSynced()) {
      if (signal.aborted) return false;
      await Promise.race([r.idle(), aborted]);
      if (r.hasSynced() || signal.aborted) continue;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise((resolve) => (timer = setTimeout(resolve, POLL_MS))), aborted]);
      clearTimeout(timer);
    }
  }
  return !signal.aborted;
}
