// The server log, through pino: one JSON object a line in production (for a log collector),
// one readable line in development, at the same levels. Every line written while a request is
// being served carries its request id (src/ops/requestContext.ts), and fields whose names say
// they hold a secret are redacted before anything is written.
import pino from 'pino';
import { currentRequest } from './ops/requestContext.js';
import { escapeControls, terminalSafeJson } from './printable.js';

export const logLevels = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logFormats = ['json', 'text'] as const;
export type LogFormat = (typeof logFormats)[number];

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

// A field named like one of these never reaches the log with its value, at any depth: callers
// log objects (a form, a call's details) that may hold one. Masked phone numbers are logged
// under other names (`masked`), so `phone` and `to` go too.
const secretNames = /^(password|newpassword|currentpassword|secret|code|otp|pin|token|access_token|refresh_token|id_token|client_secret|authorization|cookie|phone|to|number|recoverycode|seed|body)$/i;

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskNumbers(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { message: maskNumbers(value.message), stack: value.stack && maskNumbers(value.stack) };
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, secretNames.test(key) ? '[redacted]' : redact(item, depth + 1)]));
}

// A full phone number typed into a message (an error from a telephony API, say) keeps only its last
// two digits: E.164 numbers, and runs of 8 or more digits with spaces, dashes or brackets (not
// dots: addresses and versions stay readable; not after a word character: ids stay whole).
const phoneLike = /\+\d[\d ()-]{6,}\d|(?<![\w:.-])\(?\d[\d ()-]{7,}\d(?![\w:.-])/g;
const maskNumbers = (text: string) => text.replace(phoneLike, (match) => (/\d{4}-\d{2}-\d{2}/.test(match) ? match : `[number ending ${match.replace(/\D/g, '').slice(-2)}]`));

export interface LoggerOptions {
  /** `json` (pino's own format: level, time, msg and the fields) or `text` (one readable line). */
  format?: LogFormat;
  /** Where lines go: standard error by default. */
  write?: (line: string) => void;
}

export function createLogger(level: LogLevel, writeOrOptions: ((line: string) => void) | LoggerOptions = {}): Logger {
  const { format = 'text', write = (line: string) => void process.stderr.write(line) } = typeof writeOrOptions === 'function' ? { write: writeOrOptions } : writeOrOptions;
  const base = pino(
    {
      level,
      // Several workers write to one stream: JSON lines say which process wrote them.
      base: format === 'json' ? { pid: process.pid } : undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The request this line belongs to, when it belongs to one.
      mixin: () => currentRequest() ?? {},
    },
    { write: format === 'json' ? (line: string) => write(`${terminalSafeJson(line.trimEnd())}\n`) : (line: string) => write(textLine(line)) },
  );
  const emit = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (!base.isLevelEnabled(at)) return;
    base[at]((fields ? redact(fields) : {}) as object, maskNumbers(message));
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

/** pino's JSON line as `time LEVEL message {fields}`: what a person reads in a terminal. */
function textLine(json: string): string {
  const { time, level, msg, ...fields } = JSON.parse(json) as { time: string; level: string; msg: string } & Record<string, unknown>;
  // Fields often hold what a request sent: JSON escapes most controls, terminalSafeJson the rest.
  const extra = Object.keys(fields).length ? ` ${terminalSafeJson(JSON.stringify(fields))}` : '';
  return `${time} ${level.toUpperCase().padEnd(5)} ${escapeControls(msg)}${extra}\n`;
}

export const silentLogger: Logger = createLogger('silent');
