// The user's terminal for `exec -t`: raw mode (every key, Ctrl-C included, goes to the command)
// and its size, with resize notifications.
export interface TerminalSize {
  rows: number;
  cols: number;
}

export interface Terminal {
  setRawMode(raw: boolean): void;
  size(): TerminalSize;
  /** calls `cb` on every resize; returns the unsubscribe */
  onResize(cb: (size: TerminalSize) => void): () => void;
}

/** The process's terminal, when stdin and stdout are one. */
export function processTerminal(): Terminal | undefined {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) return undefined;
  const size = () => ({ rows: stdout.rows || 24, cols: stdout.columns || 80 });
  return {
    setRawMode: (raw) => stdin.setRawMode(raw),
    size,
    onResize: (cb) => {
      const h = () => cb(size());
      stdout.on('resize', h);
      return () => stdout.off('resize', h);
    },
  };
}
