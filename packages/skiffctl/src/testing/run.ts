// Runs skiffctl in-process against a fake client for tests: captured output, a fixed clock, an
// empty environment and a temporary home directory.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Client } from '@skiff/machinery';
import { runCli } from '../cli.js';
import { StringOutput } from '../io.js';

/** 2024-01-01T01:00:00Z: objects of the fake are created an hour before. */
export const NOW = Date.parse('2024-01-01T01:00:00Z');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  home?: string;
  signal?: AbortSignal;
}

export async function run(client: Client, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const stdout = new StringOutput();
  const stderr = new StringOutput();
  const code = await runCli(
    argv,
    { stdout, stderr, stdin: toStream(opts.stdin ?? ''), ...(opts.signal ? { signal: opts.signal } : {}) },
    { env: opts.env ?? {}, home: opts.home ?? tempDir(), createClient: () => client, now: () => NOW, pollMs: 10 },
  );
  return { code, stdout: stdout.text, stderr: stderr.text };
}

async function* toStream(s: string): AsyncIterable<string> {
  yield s;
}

/** The temp dirs this test process made: removed when it exits, pass or fail. */
const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiffctl-test-'));
  made.push(dir);
  return dir;
}

/** Writes files (path relative to a new temp dir) and returns the dir. */
export function writeFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}
