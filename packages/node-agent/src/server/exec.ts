// PodExec on the agent: the first message starts the command in the running container; later ones
// feed its stdin, resize its terminal or close its stdin; the output goes back as it comes, then one
// message with the exit code, then the stream ends.
import * as grpc from '@grpc/grpc-js';
import { PassThrough } from 'node:stream';
import { ApiError } from '@skiff/api';
import type { PodExecRequest, PodExecResponse } from '@skiff/machinery';
import type { ContainerRuntime, ExecSession } from '../runtime/runtime.js';
import { failCall } from './status.js';
import { runningContainer } from './targets.js';
import { callSignal, writeMessage } from './write.js';

const EMPTY = Buffer.alloc(0);

export function execHandler(runtime: ContainerRuntime) {
  return (call: grpc.ServerDuplexStream<PodExecRequest, PodExecResponse>): void => {
    const ac = callSignal(call);
    const pending: PodExecRequest[] = [];
    let session: ExecSession | undefined;
    let stdin: PassThrough | undefined;
    let started = false;
    let clientEnded = false;
    const apply = (m: PodExecRequest): void => {
      if (m.stdin?.length) stdin?.write(m.stdin);
      if (m.resize && session) session.resize(m.resize.rows, m.resize.cols).catch(() => undefined);
      if (m.stdinClose) stdin?.end();
    };
    call.on('data', (m: PodExecRequest) => {
      if (!started) {
        started = true;
        run(m).catch((e: unknown) => {
          if (!ac.signal.aborted) failCall(call, e);
        });
      } else if (session) apply(m);
      else pending.push(m);
    });
    call.on('end', () => {
      clientEnded = true;
      if (session) stdin?.end();
      if (!started) failCall(call, new ApiError('INVALID_ARGUMENT', 'the stream ended before its start message', { reason: 'BadRequest' }));
    });
    ac.signal.addEventListener('abort', () => {
      stdin?.destroy();
      (session?.stdin as PassThrough | undefined)?.destroy();
    });

    const run = async (first: PodExecRequest): Promise<void> => {
      const start = first.start;
      if (!start?.command?.length) throw new ApiError('INVALID_ARGUMENT', 'start.command: Required value: a command to run', { reason: 'BadRequest' });
      const found = await runningContainer(runtime, start.target ?? {});
      stdin = start.stdin ? new PassThrough() : undefined;
      session = await runtime.exec(found.current.id, { cmd: start.command, tty: Boolean(start.tty), ...(stdin ? { stdin } : {}) });
      if (start.tty && start.size?.rows && start.size.cols) session.resize(start.size.rows, start.size.cols).catch(() => undefined);
      apply(first);
      for (const m of pending.splice(0)) apply(m);
      if (clientEnded) stdin?.end();
      for await (const chunk of session.output) {
        await writeMessage(call, chunk.stream === 'stderr' ? { stdout: EMPTY, stderr: chunk.data } : { stdout: chunk.data, stderr: EMPTY }, ac.signal);
      }
      const exitCode = await session.exitCode();
      if (ac.signal.aborted) return;
      call.write({ stdout: EMPTY, stderr: EMPTY, exited: true, exitCode });
      call.end();
    };
  };
}
