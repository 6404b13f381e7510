// Structured logging: one root logger per process, JSON lines on stderr, constant messages with
// key/value fields. `log.info('pod started', { pod: 'ns/name', node })`, `log.child({ controller })`.
import type { Writable } from 'node:stream';
import winston from 'winston';

/** The logger every component passes around (winston's; use child() to add fields). */
export type Logger = winston.Logger;

export const logLevels = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface LoggerOptions {
  /** The component name, on every line: "scheduler", "node-agent". */
  component: string;
  /** Default: env SKIFF_LOG_LEVEL, else "info". */
  level?: LogLevel;
  /** "json" (default): one JSON object per line. "text": `time LEVEL component msg k=v ...`. */
  format?: 'json' | 'text';
  /** Default process.stderr. */
  stream?: Writable;
}

/** The level from SKIFF_LOG_LEVEL, or "info" if unset or unknown. */
export function levelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const v = (env.SKIFF_LOG_LEVEL ?? '').toLowerCase();
  return (logLevels as readonly string[]).includes(v) ? (v as LogLevel) : 'info';
}

/** Errors become { message, name, code?, stack } so they survive JSON. */
function serializeValue(v: unknown): unknown {
  if (v instanceof Error) {
    const out: Record<string, unknown> = { name: v.name, message: v.message };
    const code = (v as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (v.stack) out.stack = v.stack;
    return out;
  }
  return v;
}

function fieldsOf(info: winston.Logform.TransformableInfo): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) {
    if (k === 'level' || k === 'message' || k === 'timestamp' || k === 'component') continue;
    out[k] = serializeValue(v);
  }
  return out;
}

const jsonLine = winston.format.printf((info) =>
  JSON.stringify({ ts: info.timestamp, level: info.level, component: info.component, msg: info.message, ...fieldsOf(info) }),
);

function textValue(v: unknown): string {
  const shown = v !== null && typeof v === 'object' && 'message' in v && 'name' in v ? (v as { message: unknown }).message : v;
  const s = typeof shown === 'string' ? shown : (JSON.stringify(shown) ?? String(shown));
  return /[\s"=]/.test(s) ? JSON.stringify(s) : s;
}

const textLine = winston.format.printf((info) => {
  const kv = Object.entries(fieldsOf(info)).map(([k, v]) => `${k}=${textValue(v)}`);
  return [info.timestamp, String(info.level).toUpperCase(), info.component, info.message, ...kv].join(' ');
});

/** The process's root logger. Create one in main() and hand children to the parts. */
export function createLogger(opts: LoggerOptions): Logger {
  return winston.createLogger({
    level: opts.level ?? levelFromEnv(),
    defaultMeta: { component: opts.component },
    format: winston.format.combine(winston.format.timestamp(), opts.format === 'text' ? textLine : jsonLine),
    transports: [new winston.transports.Stream({ stream: opts.stream ?? process.stderr })],
  });
}

/** A logger that drops everything: the default in libraries and tests. */
export function discardLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
