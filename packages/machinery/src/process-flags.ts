// The flags every Skiff process that talks to the apiserver shares, declared once (yargs option
// records, as leaderElectionFlags): where the apiserver is, how to authenticate, the client-side rate
// limit (Kubernetes' --kube-api-qps / --kube-api-burst), and the log level.
import { createLogger, logLevels, type Logger, type LogLevel } from './log.js';
import { readSharedToken } from './shared-token.js';

export interface ApiClientFlagDefaults {
  server: string;
  /** Requests per second towards the apiserver (<= 0: unlimited). */
  qps: number;
  burst: number;
}

export function apiClientFlags(d: ApiClientFlagDefaults) {
  return {
    server: { type: 'string', default: process.env.SKIFF_SERVER || d.server, describe: 'apiserver host:port (else $SKIFF_SERVER)' },
    token: { type: 'string', describe: 'bearer token (else $SKIFF_TOKEN, else --token-file)' },
    'token-file': { type: 'string', describe: 'file holding the bearer token (its first non-empty line)' },
    'kube-api-qps': { type: 'number', default: d.qps, describe: 'client-side rate limit towards the apiserver, requests per second (<= 0: off)' },
    'kube-api-burst': { type: 'number', default: d.burst, describe: 'requests allowed at once above --kube-api-qps' },
  } as const;
}

export interface ApiClientArgv {
  server: string;
  token?: string | undefined;
  'token-file'?: string | undefined;
  'kube-api-qps': number;
  'kube-api-burst': number;
}

export interface ApiClientSettings {
  server: string;
  token?: string;
  qps: number;
  burst: number;
}

/** The client settings from the flags: --token, else $SKIFF_TOKEN, else --token-file (throws if unreadable). */
export function apiClientFromFlags(a: ApiClientArgv): ApiClientSettings {
  const token = a.token || process.env.SKIFF_TOKEN || (a['token-file'] ? readSharedToken(a['token-file']) : undefined);
  return { server: a.server, ...(token ? { token } : {}), qps: a['kube-api-qps'], burst: a['kube-api-burst'] };
}

export const logLevelFlags = {
  'log-level': { type: 'string', choices: [...logLevels], describe: 'default $SKIFF_LOG_LEVEL, else info' },
} as const;

/** The process's logger at the level of --log-level (else $SKIFF_LOG_LEVEL, else info). */
export function loggerFromFlags(component: string, a: { 'log-level'?: string | undefined }): Logger {
  return createLogger({ component, ...(a['log-level'] ? { level: a['log-level'] as LogLevel } : {}) });
}
