// A small leveled logger: one line per event, human-readable message plus JSON fields.
import { escapeControls, terminalSafeJson } from './printable.js';

export const logLevels = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];

export interface Logger {
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const threshold = logLevels.indexOf(level);
  const emit = (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (logLevels.indexOf(at) > threshold) return;
    // Fields often hold what a request sent: JSON escapes most controls, terminalSafeJson the rest.
    const extra = fields && Object.keys(fields).length ? ` ${terminalSafeJson(JSON.stringify(fields))}` : '';
    write(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${escapeControls(message)}${extra}\n`);
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}

export const silentLogger: Logger = createLogger('silent');
