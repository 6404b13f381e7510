// Where the apiserver is and how to authenticate: flags, then environment, then the config file
// (`--config`, else $SKIFFCONFIG, else ~/.skiff/config), then defaults. `npm start` writes the file
// with writeConfig; skiffctl reads it with loadConfig.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { CliError } from './cli-error.js';

export const DEFAULT_SERVER = '127.0.0.1:6443';

/** The config file: JSON or YAML. */
export interface SkiffConfig {
  /** host:port of the apiserver. */
  server?: string;
  token?: string;
  /** A file holding the token; relative paths are relative to the config file. */
  tokenFile?: string;
  /** The namespace used when neither -n nor the manifest names one (default "default"). */
  namespace?: string;
}

const KEYS = new Set(['server', 'token', 'tokenFile', 'namespace']);

export interface ConfigSources {
  /** --config */
  config?: string;
  env?: Record<string, string | undefined>;
  /** The home directory (default os.homedir()). */
  home?: string;
}

/** The path of the config file in use, and whether it was named explicitly. */
export function configPath(src: ConfigSources = {}): { path: string; explicit: boolean } {
  const env = src.env ?? process.env;
  if (src.config) return { path: resolve(src.config), explicit: true };
  if (env.SKIFFCONFIG) return { path: resolve(env.SKIFFCONFIG), explicit: true };
  return { path: join(src.home ?? homedir(), '.skiff', 'config'), explicit: false };
}

/**
 * Reads the config file. A missing default file is an empty config; a missing file named by
 * --config or $SKIFFCONFIG, unreadable syntax or unknown keys are errors.
 */
export function loadConfig(src: ConfigSources = {}): SkiffConfig & { path: string } {
  const { path, explicit } = configPath(src);
  if (!existsSync(path)) {
    if (explicit) throw new CliError(`config file ${path} not found`);
    return { path };
  }
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new CliError(`config file ${path}: ${(e as Error).message}`);
  }
  if (raw === null || raw === undefined) return { path };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new CliError(`config file ${path}: expected a map of settings`);
  const out: SkiffConfig & { path: string } = { path };
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    if (!KEYS.has(k)) throw new CliError(`config file ${path}: unknown key "${k}" (known: ${[...KEYS].join(', ')})`);
    if (typeof v !== 'string') throw new CliError(`config file ${path}: ${k} must be a string`);
    out[k as keyof SkiffConfig] = v;
  }
  return out;
}

/** Writes the config file (mode 0600: it may hold a token), creating its directory. Returns its path. */
export function writeConfig(cfg: SkiffConfig, src: ConfigSources = {}): string {
  const { path } = configPath(src);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const clean: SkiffConfig = {};
  for (const k of KEYS) {
    const v = cfg[k as keyof SkiffConfig];
    if (v !== undefined) clean[k as keyof SkiffConfig] = v;
  }
  writeFileSync(path, stringify(clean), { mode: 0o600 });
  return path;
}

export interface ConnectionFlags {
  server?: string;
  token?: string;
  config?: string;
  namespace?: string;
}

export interface Connection {
  server: string;
  token?: string;
  /** The default namespace: the config file's, else "default". (-n is applied by the commands.) */
  namespace: string;
}

/** Resolves the server, token and default namespace in order: flag, environment, file, default. */
export function resolveConnection(flags: ConnectionFlags, src: Omit<ConfigSources, 'config'> = {}): Connection {
  const env = src.env ?? process.env;
  const file = loadConfig({ ...src, ...(flags.config ? { config: flags.config } : {}) });
  const server = normalizeServer(flags.server || env.SKIFF_SERVER || file.server || DEFAULT_SERVER);
  const token = flags.token || env.SKIFF_TOKEN || file.token || readTokenFile(file);
  const conn: Connection = { server, namespace: file.namespace || 'default' };
  if (token) conn.token = token;
  return conn;
}

function readTokenFile(file: SkiffConfig & { path: string }): string | undefined {
  if (!file.tokenFile) return undefined;
  const p = isAbsolute(file.tokenFile) ? file.tokenFile : join(dirname(file.path), file.tokenFile);
  try {
    return readFileSync(p, 'utf8').trim();
  } catch (e) {
    throw new CliError(`config file ${file.path}: tokenFile ${p}: ${(e as Error).message}`);
  }
}

/** Accepts `host:port`, and also `grpc://host:port` or `http://host:port/` as users paste them. */
export function normalizeServer(server: string): string {
  return server.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');
}
