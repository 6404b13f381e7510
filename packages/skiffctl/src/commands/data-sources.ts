// The data of `create configmap` and `create secret generic`: --from-literal key=value,
// --from-file [key=]path (a directory: each regular file in it), --from-env-file path (KEY=VALUE
// lines), read and checked as kubectl does; values as bytes.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { isConfigMapKey } from '@skiff/api';
import { CliError } from '../cli-error.js';

export interface DataSources {
  literals: string[];
  files: string[];
  envFiles: string[];
}

export type DataEntries = Map<string, Buffer>;

/** `what` is used in the duplicate-key error: `ConfigMap "x"` or `Secret "x"`. */
export function readDataSources(src: DataSources, what: string, env: Record<string, string | undefined> = {}): DataEntries {
  const out: DataEntries = new Map();
  const add = (key: string, value: Buffer): void => {
    const problems = isConfigMapKey(key);
    if (problems.length > 0) throw new CliError(`"${key}" is not a valid key name for a ${what.split(' ')[0]}: ${problems.join('; ')}`);
    if (out.has(key)) throw new CliError(`cannot add key "${key}", another key by that name already exists in Data for ${what}`);
    out.set(key, value);
  };
  for (const f of src.files) {
    const eq = f.indexOf('=');
    const [key, path] = eq >= 0 ? [f.slice(0, eq), f.slice(eq + 1)] : [undefined, f];
    if (key === '' || path === '') throw new CliError(`key names or file paths cannot be empty: ${f}`);
    const st = statFile(path);
    if (st.isDirectory()) {
      if (key !== undefined) throw new CliError('cannot give a key name for a directory path');
      for (const name of readdirSync(path).sort()) {
        const p = join(path, name);
        if (statFile(p).isFile()) add(name, readFileSync(p));
      }
    } else {
      add(key ?? basename(path), readFileSync(path));
    }
  }
  for (const l of src.literals) {
    const eq = l.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid literal source ${l}, expected key=value`);
    add(l.slice(0, eq), Buffer.from(l.slice(eq + 1)));
  }
  for (const path of src.envFiles) for (const [k, v] of parseEnvFile(readFileSync(path, 'utf8'), path, env)) add(k, Buffer.from(v));
  return out;
}

function statFile(path: string): Stats {
  try {
    return statSync(path);
  } catch {
    throw new CliError(`error reading ${path}: no such file or directory`);
  }
}

/**
 * An env file as kubectl reads it: blank lines and `#` comments skipped, leading whitespace
 * trimmed, `KEY=VALUE` (the value as written), a bare `KEY` takes the value from the environment.
 */
export function parseEnvFile(text: string, path: string, env: Record<string, string | undefined>): [string, string][] {
  const out: [string, string][] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq >= 0 ? line.slice(0, eq) : line;
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) throw new CliError(`"${key}" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (${path}, line ${i + 1})`);
    if (eq >= 0) out.push([key, line.slice(eq + 1)]);
    else if (env[key] !== undefined) out.push([key, env[key]!]);
  });
  return out;
}

/** A ConfigMap's data and binaryData: UTF-8 text as strings, anything else base64 in binaryData. */
export function configMapData(entries: DataEntries): { data?: Record<string, string>; binaryData?: Record<string, string> } {
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const [k, v] of entries) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(v);
    if (Buffer.from(text, 'utf8').equals(v)) data[k] = text;
    else binaryData[k] = v.toString('base64');
  }
  return { ...(Object.keys(data).length > 0 ? { data } : {}), ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}) };
}

/** A Secret's data: every value base64. */
export function secretData(entries: DataEntries): Record<string, string> {
  return Object.fromEntries([...entries].map(([k, v]) => [k, v.toString('base64')]));
}
