// Relaying a stream between the user's call and the agent's, both ways, with backpressure: a
// side that cannot take more pauses the other; either side's end ends the other; the user's
// cancel cancels the agent's call; the agent's error status ends the user's call with it.
import type * as grpc from '@grpc/grpc-js';
import { fromGrpcError, toGrpcStatus } from '@skiff/machinery';

type ServerStream = grpc.ServerWritableStream<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/** Ends the user's call with an error (an ApiError, or a gRPC error from the agent). */
export function failServerCall(call: NodeJS.EventEmitter, err: unknown): void {
  const st = toGrpcStatus(fromGrpcError(err));
  call.emit('error', Object.assign(new Error(st.details), st));
}

/** Agent -> user: messages, then the end or the error. Resolves with the outcome's code. */
export function relayDown(up: grpc.ClientReadableStream<unknown> | grpc.ClientDuplexStream<unknown, unknown>, call: ServerStream, onDone: (code: string) => void): void {
  let failed = false;
  up.on('data', (m: unknown) => {
    if (!call.write(m)) {
      up.pause();
      call.once('drain', () => up.resume());
    }
  });
  up.on('error', (e: unknown) => {
    failed = true;
    const err = fromGrpcError(e);
    onDone(err.code);
    if (!call.cancelled) failServerCall(call, err);
  });
  up.on('end', () => {
    if (failed) return;
    onDone('OK');
    if (!call.writableEnded) call.end();
  });
  call.on('cancelled', () => up.cancel());
}

/** User -> agent for a bidirectional call: what arrived before the agent's call opened goes first. */
export class UpQueue<T> {
  private readonly pending: T[] = [];
  private up?: grpc.ClientDuplexStream<T, unknown>;
  private ended = false;

  constructor(private readonly call: grpc.ServerDuplexStream<T, unknown>) {
    call.on('data', (m: T) => {
      if (this.up) this.send(m);
      else this.pending.push(m);
    });
    call.on('end', () => {
      this.ended = true;
      this.up?.end();
    });
  }

  /** The first message (already read by the caller), as rewritten for the agent. */
  first(): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.pending.length) return resolve(this.pending.shift()!);
      const onData = () => {
        cleanup();
        resolve(this.pending.shift()!);
      };
      const onEnd = () => {
        cleanup();
        reject(new Error('the stream ended before its first message'));
      };
      const cleanup = () => {
        this.call.off('data', onData);
        this.call.off('end', onEnd);
      };
      // registered after the constructor's listener: the message is in `pending` by then
      this.call.on('data', onData);
      this.call.on('end', onEnd);
    });
  }

  open(up: grpc.ClientDuplexStream<T, unknown>, first: T): void {
    this.up = up;
    this.send(first);
    for (const m of this.pending.splice(0)) this.send(m);
    if (this.ended) up.end();
  }

  private send(m: T): void {
    if (!this.up!.write(m)) {
      this.call.pause();
      this.up!.once('drain', () => this.call.resume());
    }
  }
}
