// `twofold oath import|list|assign|unassign`: hardware tokens from their vendor's file to the
// person who activates them. Every change is audited with the operating-system user.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { normalizeUsername } from '../accounts/validate.js';
import { createAudit } from '../audit/audit.js';
import { adminHardwareTokens, type TokenRow } from '../admin/hardwareTokens.js';
import { normalizeSerial } from '../factors/oath/index.js';
import type { SeedFormat } from '../factors/oath/seed.js';
import { silentLogger } from '../log.js';
import type { Store } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { cliActor } from './actor.js';
import { parseCommand } from './args.js';
import { type CliIo, readSecretOption, table, UsageError } from './io.js';

export const oathUsage = [
  'twofold oath import <file> [--format csv|pskc] [--type totp|hotp] [--secret-format auto|base32|hex] [--psk-stdin | --psk <hex>]',
  'twofold oath list',
  'twofold oath assign <serial> <username>',
  'twofold oath unassign <serial>',
];

const tokensOf = (store: Store) => adminHardwareTokens({ store, audit: createAudit(store.audit, silentLogger) });

async function accountOf(store: Store, command: string, username: string) {
  const account = await store.accounts.findByUsername(normalizeUsername(username));
  if (!account) throw new InvalidInputError([`${command}: there is no user '${username}'`]);
  return account;
}

async function importCommand(store: Store, argv: string[], io: CliIo) {
  const { values, args } = parseCommand('oath import', argv, {
    format: { type: 'string' }, type: { type: 'string' }, 'secret-format': { type: 'string' }, psk: { type: 'string' }, 'psk-stdin': { type: 'boolean' },
  }, ['file']);
  const path = args[0]!;
  const format = values.format ?? (/\.(xml|pskc)$/i.test(extname(path)) ? 'pskc' : 'csv');
  if (format !== 'csv' && format !== 'pskc') throw new UsageError(`oath import: --format must be csv or pskc but is '${format}'`);
  if (values.type !== undefined && values.type !== 'totp' && values.type !== 'hotp') throw new UsageError(`oath import: --type must be totp or hotp but is '${values.type}'`);
  const secretFormat = values['secret-format'] ?? 'auto';
  if (!['auto', 'base32', 'hex'].includes(secretFormat)) throw new UsageError(`oath import: --secret-format must be auto, base32 or hex but is '${secretFormat}'`);
  if (format === 'csv' && (values.psk !== undefined || values['psk-stdin'])) throw new UsageError('oath import: a pre-shared key is for PSKC files');
  if (format === 'pskc' && (values.type !== undefined || values['secret-format'] !== undefined)) throw new UsageError('oath import: --type and --secret-format are for CSV files; a PSKC file says both');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError([`oath import: cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
  }
  const preSharedKey = format === 'pskc' ? await readSecretOption('oath import', 'psk', values, io) : undefined;
  const { imported, assigned } = await tokensOf(store).import(cliActor(), basename(path), text, {
    format, secretFormat: secretFormat as SeedFormat, type: values.type as 'totp' | 'hotp' | undefined, preSharedKey,
  });
  io.out(`imported ${imported} token${imported === 1 ? '' : 's'} from ${basename(path)}: ${assigned} assigned, ${imported - assigned} in stock`);
}

async function listCommand(store: Store, argv: string[], io: CliIo) {
  parseCommand('oath list', argv, {}, []);
  const rows = await tokensOf(store).list();
  if (!rows.length) return io.out('no tokens: import some with twofold oath import <file>');
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const state = (row: TokenRow) => (row.state === 'stock' ? 'in stock' : row.state === 'assigned' ? `assigned to ${row.username}, not activated`
    : `active for ${row.username}${row.lastUsedAt ? `, last used ${day(row.lastUsedAt)}` : ''}`);
  table([
    ['SERIAL', 'TYPE', 'DIGITS', 'MANUFACTURER', 'MODEL', 'STATE'],
    ...rows.map((row) => [row.serial, row.type, String(row.digits), row.manufacturer, row.model, state(row)]),
  ]).forEach((line) => io.out(line));
}

/** The shared operations' problems, named by the command as the CLI's messages are. */
async function as<T>(command: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(error.problems.map((problem) => `${command}: ${problem}`));
    throw error;
  }
}

async function assignCommand(store: Store, argv: string[], io: CliIo) {
  const { args } = parseCommand('oath assign', argv, {}, ['serial', 'username']);
  const serial = normalizeSerial(args[0]);
  const account = await accountOf(store, 'oath assign', args[1]!);
  const outcome = await as('oath assign', () => tokensOf(store).assign(cliActor(), serial, account));
  if (outcome === 'already') return io.out(`token ${serial} is already assigned to '${account.username}'`);
  io.out(`assigned token ${serial} to '${account.username}': they activate it from their security info with its serial and a code`);
}

async function unassignCommand(store: Store, argv: string[], io: CliIo) {
  const { args } = parseCommand('oath unassign', argv, {}, ['serial']);
  const serial = normalizeSerial(args[0]);
  const { outcome, username } = await as('oath unassign', () => tokensOf(store).unassign(cliActor(), serial));
  if (outcome === 'already') return io.out(`token ${serial} is already in stock`);
  if (outcome === 'stock') return io.out(`token ${serial} is back in stock`);
  io.out(`token ${serial} no longer signs in '${username}' and is back in stock`);
}

export async function oathCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  const commands = { import: importCommand, list: listCommand, assign: assignCommand, unassign: unassignCommand };
  if (!sub || !(sub in commands)) throw new UsageError(sub ? `oath: unknown command '${sub}'` : 'oath: which command?');
  await commands[sub as keyof typeof commands](store, argv, io);
}
