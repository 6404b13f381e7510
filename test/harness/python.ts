// Python for the tests of the API as another language sees it: Debian's python3 with its grpcio and
// protobuf (installed by scripts/setup.sh), and protoc with the gRPC Python plugin.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter (a pyenv shim earlier on PATH would lack the Debian modules). */
export const PYTHON = '/usr/bin/python3';

/** google/protobuf/*.proto for protoc (Debian's libprotobuf-dev). */
export const PROTOBUF_INCLUDE = '/usr/include';

/** The repository root (this file is test/dist/harness/python.js once compiled). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; never rejects on a non-zero exit (the caller asserts on `code`). */
export function runCommand(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

/** protoc's Python (and gRPC stub) output for `files` into `outDir`. */
export async function protocPython(outDir: string, includeDirs: string[], files: string[], opts: { grpc?: boolean } = {}): Promise<void> {
  const args = [...includeDirs.map((d) => `-I${d}`), `--python_out=${outDir}`];
  if (opts.grpc) args.push(`--grpc_python_out=${outDir}`, '--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin');
  const r = await runCommand('protoc', [...args, ...files]);
  if (r.code !== 0) throw new Error(`protoc ${args.join(' ')} failed: ${r.stderr}`);
}

/** The fenced blocks of one section (from its `## ` heading to the next one) of a Markdown file, by language. */
export function fencedBlocks(markdown: string, heading: string): { lang: string; code: string }[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `no section "${heading}"`);
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(/^## /m);
  const section = end >= 0 ? rest.slice(0, end) : rest;
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}
