// Where a command's input and output go. Commands never touch `process` or `console`, so tests run
// them in-process against strings.
import { processTerminal, type Terminal } from './streams/terminal.js';

export interface Output {
  write(chunk: string): unknown;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  /** Read only by `-f -`. */
  stdin: AsyncIterable<string | Buffer>;
  /** Aborts on interrupt (Ctrl-C): watches end quietly. */
  signal?: AbortSignal;
  /** The user's terminal, when stdin and stdout are one (exec -t). */
  terminal?: Terminal;
}

/** The process's own streams; the first SIGINT aborts `signal`, the second exits at once. */
export function processIo(): Io {
  const ac = new AbortController();
  process.on('SIGINT', () => {
    if (ac.signal.aborted) process.exit(130);
    ac.abort();
    // A call still in flight would keep the process alive until its deadline.
    setTimeout(() => process.exit(130), 1000).unref();
  });
  // `skiffctl get pods | head`: a closed pipe ends the program quietly, as it does kubectl.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const terminal = processTerminal();
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, signal: ac.signal, ...(terminal ? { terminal } : {}) };
}

/** Output collected in a string (tests). */
export class StringOutput implements Output {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}
