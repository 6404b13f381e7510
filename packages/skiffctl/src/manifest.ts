// Reads manifests: files, directories (-R recursive), stdin ("-"); multi-document YAML (---),
// JSON, and `kind: List` (any *List) with items. Every problem is reported with file and line, and
// reading goes on so that all problems of all files are reported at once.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, isMap, isSeq, parseAllDocuments, type Node as YamlNode } from 'yaml';

const EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface ManifestDoc {
  /** The file as the user named it (joined with the directory for files found in one), or "STDIN". */
  source: string;
  /** 1-based line where the object starts. */
  line: number;
  object: Record<string, unknown>;
}

export interface ManifestReadResult {
  docs: ManifestDoc[];
  /** `file:line: message`, one per problem. */
  errors: string[];
}

export interface ReadOptions {
  recursive?: boolean;
  stdin?: AsyncIterable<string | Buffer>;
}

/** Reads every source in order. Never throws for bad input: problems are in `errors`. */
export async function readManifests(sources: readonly string[], opts: ReadOptions = {}): Promise<ManifestReadResult> {
  const out: ManifestReadResult = { docs: [], errors: [] };
  let stdinRead = false;
  for (const src of sources) {
    if (src === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      if (!opts.stdin) {
        out.errors.push('STDIN: no standard input');
        continue;
      }
      add(out, parseManifest(await readAll(opts.stdin), 'STDIN'));
      continue;
    }
    let files: string[];
    try {
      files = await expand(src, !!opts.recursive);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      out.errors.push(code === 'ENOENT' ? `the path "${src}" does not exist` : `${src}: ${(e as Error).message}`);
      continue;
    }
    for (const f of files) {
      let text: string;
      try {
        text = await readFile(f, 'utf8');
      } catch (e) {
        out.errors.push(`${f}: ${(e as Error).message}`);
        continue;
      }
      add(out, parseManifest(text, f));
    }
  }
  return out;
}

function add(into: ManifestReadResult, r: ManifestReadResult): void {
  into.docs.push(...r.docs);
  into.errors.push(...r.errors);
}

/** A file is itself; a directory is its manifest files, sorted, descending with `recursive`. */
async function expand(path: string, recursive: boolean): Promise<string[]> {
  const st = await stat(path);
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(path, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...(await expand(p, true)));
    } else if (EXTENSIONS.some((x) => e.name.endsWith(x))) {
      out.push(p);
    }
  }
  return out;
}

async function readAll(stream: AsyncIterable<string | Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses one file's text: every document, Lists expanded, empty documents skipped. */
export function parseManifest(text: string, source: string): ManifestReadResult {
  const out: ManifestReadResult = { docs: [], errors: [] };
  const lc = new LineCounter();
  const lineOf = (offset: number | undefined): number => (offset === undefined ? 1 : lc.linePos(offset).line);
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: true });
  for (const doc of docs) {
    const err = doc.errors[0];
    if (err) {
      // The first error of a document; the next ones are mostly its consequences.
      const line = err.linePos?.[0]?.line ?? lineOf(err.pos[0]);
      out.errors.push(`${source}:${line}: ${firstLine(err.message)}`);
      continue;
    }
    const contents = doc.contents as YamlNode | null;
    if (contents === null) continue;
    const line = lineOf(contents.range?.[0]);
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) {
      out.errors.push(`${source}:${line}: expected an object with apiVersion and kind, got ${Array.isArray(value) ? 'a list' : typeof value}`);
      continue;
    }
    const obj = value as Record<string, unknown>;
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && 'items' in obj) {
      expandList(obj, contents, source, line, lineOf, out);
      continue;
    }
    out.docs.push({ source, line, object: obj });
  }
  return out;
}

function expandList(
  list: Record<string, unknown>,
  node: YamlNode,
  source: string,
  line: number,
  lineOf: (offset: number | undefined) => number,
  out: ManifestReadResult,
): void {
  const items = list.items;
  if (items === null || items === undefined) return;
  if (!Array.isArray(items)) {
    out.errors.push(`${source}:${line}: ${list.kind}: items must be a list`);
    return;
  }
  const seq = isMap(node) ? node.get('items', true) : undefined;
  items.forEach((item: unknown, i) => {
    const itemNode = isSeq(seq) ? (seq.items[i] as YamlNode | undefined) : undefined;
    const itemLine = lineOf(itemNode?.range?.[0]) || line;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      out.errors.push(`${source}:${itemLine}: items[${i}]: expected an object`);
      return;
    }
    out.docs.push({ source, line: itemLine, object: item as Record<string, unknown> });
  });
}

/** The yaml package's message without its " at line L, column C:" suffix and code excerpt. */
function firstLine(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}
