// skiffctl exec POD [-c C] [-i] [-t] -- COMMAND [ARGS...]: runs the command in the container through
// the apiserver (PodExec). -i sends stdin; -t asks for a terminal: the local one goes raw (every key
// to the command) and its size follows resizes. Exits with the command's exit code.
import { StringDecoder } from 'node:string_decoder';
import { fromGrpcError, type PodExecRequest, type PodExecResponse, type StreamClient } from '@skiff/machinery';
import { UsageError } from '../cli-error.js';
import type { Io, Output } from '../io.js';
import { err } from '../io-lines.js';
import { podName } from './pod-arg.js';
import type { Terminal } from './terminal.js';

export interface ExecArgs {
  pod: string;
  namespace: string;
  container?: string;
  command: string[];
  stdin?: boolean;
  tty?: boolean;
}

/** The start message, and whether a terminal is used (kubectl's rules: -t needs a terminal). */
export function execStart(a: ExecArgs, terminal: Terminal | undefined): { start: NonNullable<PodExecRequest['start']>; tty: boolean; warning?: string } {
  if (a.command.length === 0) throw new UsageError('you must specify at least one command for the container');
  const tty = Boolean(a.tty) && terminal !== undefined;
  const warning = a.tty && !terminal ? 'Unable to use a TTY - input is not a terminal or the right kind of file' : undefined;
  const start = {
    target: { namespace: a.namespace, name: podName(a.pod), container: a.container ?? '' },
    command: a.command,
    stdin: Boolean(a.stdin),
    tty,
    ...(tty ? { size: terminal!.size() } : {}),
  };
  return { start, tty, ...(warning ? { warning } : {}) };
}

export async function exec(client: StreamClient, a: ExecArgs, io: Io): Promise<number> {
  const { start, tty, warning } = execStart(a, io.terminal);
  if (warning) err(io, warning);
  const call = client.exec();
  const decoders = { out: new StringDecoder('utf8'), err: new StringDecoder('utf8') };
  let exitCode: number | undefined;
  const cleanups: (() => void)[] = [];
  const onAbort = () => call.cancel();
  io.signal?.addEventListener('abort', onAbort, { once: true });
  cleanups.push(() => io.signal?.removeEventListener('abort', onAbort));
  if (tty) {
    io.terminal!.setRawMode(true);
    cleanups.push(() => io.terminal!.setRawMode(false));
    cleanups.push(io.terminal!.onResize((size) => call.write({ resize: size })));
  }
  try {
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (m: PodExecResponse) => {
        if (m.stdout.length) writeBytes(io.stdout, m.stdout, (b) => decoders.out.write(b));
        if (m.stderr.length) writeBytes(io.stderr, m.stderr, (b) => decoders.err.write(b));
        if (m.exited) exitCode = m.exitCode;
      });
      call.on('error', (e) => reject(fromGrpcError(e)));
      call.on('end', () => resolve());
    });
    call.write({ start });
    if (a.stdin) {
      const input = io.stdin[Symbol.asyncIterator]();
      // once the command ended, stop reading stdin (a process's stdin would keep the program alive)
      cleanups.push(() => void input.return?.()?.catch(() => undefined));
      void (async () => {
        for (let r = await input.next(); !r.done && exitCode === undefined; r = await input.next()) {
          call.write({ stdin: Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value) });
        }
        call.write({ stdinClose: true });
      })().catch(() => undefined);
    } else call.end();
    await done;
  } finally {
    for (const c of cleanups.reverse()) c();
  }
  for (const [stream, d] of [[io.stdout, decoders.out], [io.stderr, decoders.err]] as const) {
    const rest = d.end();
    if (rest) stream.write(rest);
  }
  if (exitCode === undefined) return 1;
  if (exitCode !== 0) err(io, `command terminated with exit code ${exitCode}`);
  return exitCode;
}

/** Writes bytes unchanged to an output that takes them (a Node stream), else as UTF-8 text. */
export function writeBytes(out: Output, data: Buffer, decode: (b: Buffer) => string): void {
  if (typeof (out as { writable?: unknown }).writable === 'boolean') (out as unknown as NodeJS.WritableStream).write(data);
  else {
    const text = decode(data);
    if (text) out.write(text);
  }
}
