// The engine's streaming calls: logs, exec and events, as async iterables that end when the
// stream ends or the caller's signal aborts (the engine stream is then destroyed).
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { RuntimeError } from '../../errors.js';
import { labelFilter } from '../labels.js';
import type { ExecOptions, ExecResult, ExecSession, LogChunk, LogOptions, RuntimeEvent } from '../runtime.js';
import { engineCall, engineError } from './engine-errors.js';
import { EVENT_FILTERS, toRuntimeEvent, type EngineEvent } from './events.js';
import { FrameDemuxer, LineSplitter } from './frames.js';

type Destroyable = NodeJS.ReadableStream & { destroy(error?: Error): void };

/** The chunks of an engine stream: demultiplexed, or all stdout for a tty. */
async function* chunksOf(stream: NodeJS.ReadableStream, tty: boolean, signal?: AbortSignal): AsyncGenerator<LogChunk> {
  const s = stream as Destroyable;
  const onAbort = () => s.destroy();
  if (signal?.aborted) return s.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  const demux = new FrameDemuxer();
  try {
    for await (const raw of s) {
      const data = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer);
      if (tty) yield { stream: 'stdout', data };
      else yield* demux.push(data);
    }
  } catch (e) {
    if (!signal?.aborted) throw engineError(e, 'read stream');
  } finally {
    signal?.removeEventListener('abort', onAbort);
    s.destroy();
  }
}

export async function* engineLogs(c: Docker.Container, o: LogOptions, signal?: AbortSignal): AsyncGenerator<LogChunk> {
  const info = await engineCall(`inspect container ${c.id}`, () => c.inspect());
  const tty = Boolean(info.Config.Tty);
  const query = {
    stdout: true,
    stderr: true,
    timestamps: Boolean(o.timestamps),
    // Docker takes "all" or a number of lines
    tail: (o.tail === undefined ? 'all' : Math.max(0, o.tail)) as number,
    since: o.sinceMs === undefined ? 0 : Math.floor(o.sinceMs / 1000),
  };
  if (!o.follow) {
    const buf = await engineCall(`logs of ${c.id}`, () => c.logs({ ...query, follow: false }));
    if (tty) {
      if (buf.length) yield { stream: 'stdout', data: buf };
    } else yield* new FrameDemuxer().push(buf);
    return;
  }
  const stream = await engineCall(`logs of ${c.id}`, () => c.logs({ ...query, follow: true }));
  yield* chunksOf(stream, tty, signal);
}

export async function engineExec(c: Docker.Container, o: ExecOptions): Promise<ExecSession> {
  const tty = Boolean(o.tty);
  const exec = await engineCall(`exec in ${c.id}`, () => c.exec({ Cmd: o.cmd, AttachStdout: true, AttachStderr: true, AttachStdin: Boolean(o.stdin), Tty: tty }));
  const stream = (await engineCall(`start exec in ${c.id}`, () => exec.start({ hijack: true, stdin: Boolean(o.stdin), Tty: tty }))) as Duplex;
  const ended = new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
  if (o.stdin) o.stdin.pipe(stream);
  return {
    output: chunksOf(stream, tty),
    stdin: stream,
    resize: async (rows, cols) => {
      await engineCall(`resize exec in ${c.id}`, () => exec.resize({ h: rows, w: cols }));
    },
    exitCode: async () => {
      await ended;
      for (let i = 0; ; i++) {
        const r = await engineCall(`inspect exec in ${c.id}`, () => exec.inspect());
        if (!r.Running && r.ExitCode !== null) return r.ExitCode;
        if (i >= 50) throw new RuntimeError('Unavailable', `exec in ${c.id}: no exit code after its output ended`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
  };
}

export async function engineExecSync(c: Docker.Container, cmd: string[], timeoutMs: number): Promise<ExecResult> {
  const session = await engineExec(c, { cmd });
  const out = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      (session.stdin as Duplex).destroy();
      reject(new RuntimeError('Unavailable', `command ${JSON.stringify(cmd)} in ${c.id} timed out after ${timeoutMs}ms`));
    }, timeoutMs);
  });
  const run = async () => {
    for await (const chunk of session.output) out[chunk.stream].push(chunk.data);
    return session.exitCode();
  };
  const running = run();
  // after a timeout the destroyed stream's end is of no interest: no unhandled rejection from it
  running.catch(() => undefined);
  try {
    const exitCode = await Promise.race([running, timeout]);
    return { exitCode, stdout: Buffer.concat(out.stdout).toString(), stderr: Buffer.concat(out.stderr).toString() };
  } finally {
    clearTimeout(timer);
  }
}

export async function* engineEvents(docker: Docker, signal: AbortSignal, sinceMs?: number): AsyncGenerator<RuntimeEvent> {
  if (signal.aborted) return;
  const options: Docker.GetEventsOptions = { filters: { ...EVENT_FILTERS, label: labelFilter() } };
  if (sinceMs !== undefined) options.since = Math.floor(sinceMs / 1000);
  const stream = (await engineCall('events', () => docker.getEvents(options))) as Destroyable;
  const onAbort = () => stream.destroy();
  signal.addEventListener('abort', onAbort, { once: true });
  const lines = new LineSplitter();
  try {
    for await (const chunk of stream) {
      for (const line of lines.push(chunk as Buffer)) {
        const ev = toRuntimeEvent(JSON.parse(line) as EngineEvent);
        if (ev) yield ev;
      }
    }
  } catch (e) {
    if (!signal.aborted) throw engineError(e, 'events');
  } finally {
    signal.removeEventListener('abort', onAbort);
    stream.destroy();
  }
}
