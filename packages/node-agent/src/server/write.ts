// Writing to a gRPC stream with backpressure: wait for 'drain' when the stream's buffer is full,
// and stop waiting when the call ends.
import type { Writable } from 'node:stream';

export async function writeMessage(stream: Writable, message: unknown, signal: AbortSignal): Promise<void> {
  if (signal.aborted || stream.writableEnded || stream.destroyed) return;
  if (stream.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    stream.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** An AbortSignal that aborts when the call is cancelled or closed. */
export function callSignal(call: NodeJS.EventEmitter): AbortController {
  const ac = new AbortController();
  call.on('cancelled', () => ac.abort());
  call.on('close', () => ac.abort());
  return ac;
}
