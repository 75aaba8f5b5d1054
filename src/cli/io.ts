// What a command reads and writes, passed in so tests run commands in-process.
import { escapeControls } from '../printable.js';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** All of standard input, without its final newline. */
  readStdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Ends a command that runs until stopped (`audit tail --follow`); the terminal's Ctrl-C does it otherwise. */
  signal?: AbortSignal;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export const processIo = (): CliIo => ({
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: () => readAll(process.stdin),
  env: process.env,
});

/**
 * A secret given as `--<name>-stdin` (read from standard input) or `--<name> <value>` (allowed, with a
 * warning: other users of the machine can see command lines). Undefined when neither was given.
 */
export async function readSecretOption(command: string, name: string, values: Record<string, unknown>, io: CliIo): Promise<string | undefined> {
  const inline = values[name] as string | undefined;
  const fromStdin = values[`${name}-stdin`] === true;
  if (inline !== undefined && fromStdin) throw new UsageError(`${command}: give --${name}-stdin or --${name}, not both`);
  if (fromStdin) return io.readStdin();
  if (inline !== undefined) io.err(`warning: --${name} is visible to other users of this machine; prefer --${name}-stdin`);
  return inline;
}

/** Columns padded to their widest cell; cells are shown with their control characters escaped
 * (a display name or client name may hold anything), so a row stays one line. */
export function table(cells: string[][]): string[] {
  const rows = cells.map((row) => row.map(escapeControls));
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}
