// Argument parsing on node:util's parseArgs, with messages that name the command.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './io.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommand<O extends Options>(command: string, argv: string[], options: O, positionals: string[]) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.replace(/\. To specify a positional argument.*$/, '')}`);
  }
  if (parsed.positionals.length !== positionals.length) {
    const expected = positionals.map((p) => `<${p}>`).join(' ') || 'no arguments';
    throw new UsageError(`${command}: expects ${expected}, got ${parsed.positionals.length ? parsed.positionals.map((p) => `'${p}'`).join(' ') : 'none'}`);
  }
  return { values: parsed.values, args: parsed.positionals };
}
