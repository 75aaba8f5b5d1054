// `twofold oath import|list|assign|unassign`: hardware tokens from their vendor's file to the
// person who activates them. Every change is audited with the operating-system user.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { normalizeUsername } from '../accounts/validate.js';
import { createAudit } from '../audit/audit.js';
import { parseTokenCsv } from '../factors/oath/import/csv.js';
import { importTokens } from '../factors/oath/import/importTokens.js';
import { parsePskc } from '../factors/oath/import/pskc.js';
import { normalizeSerial, oathMethod, tokensHeld, tokensPerPerson } from '../factors/oath/index.js';
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
  const parsed = format === 'csv'
    ? parseTokenCsv(text, { secretFormat: secretFormat as SeedFormat, defaultKind: values.type as 'totp' | 'hotp' | undefined })
    : parsePskc(text, { preSharedKey });
  const audit = createAudit(store.audit, silentLogger);
  const { imported, assigned } = await importTokens({ accounts: store.accounts, credentials: store.credentials, tokens: store.tokens, audit }, basename(path), parsed, cliActor());
  io.out(`imported ${imported} token${imported === 1 ? '' : 's'} from ${basename(path)}: ${assigned} assigned, ${imported - assigned} in stock`);
}

async function listCommand(store: Store, argv: string[], io: CliIo) {
  parseCommand('oath list', argv, {}, []);
  const [stock, active] = await Promise.all([store.tokens.list(oathMethod), store.credentials.listByMethod(oathMethod)]);
  if (!stock.length && !active.length) return io.out('no tokens: import some with twofold oath import <file>');
  const names = new Map<string, string>();
  for (const accountId of new Set([...stock.map((token) => token.accountId), ...active.map((credential) => credential.accountId)])) {
    if (accountId) names.set(accountId, (await store.accounts.findById(accountId))?.username ?? accountId);
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const kind = (data: Record<string, unknown>) => `${text(data.kind)}${data.kind === 'totp' ? `/${data.period}s` : ''}`;
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const rows = [
    ...stock.map((token) => ({ serial: token.serial, data: token.data, state: token.accountId ? `assigned to ${names.get(token.accountId)}, not activated` : 'in stock' })),
    ...active.map((credential) => ({
      serial: credential.externalId ?? '?', data: credential.data,
      state: `active for ${names.get(credential.accountId)}${credential.lastUsedAt ? `, last used ${day(credential.lastUsedAt)}` : ''}`,
    })),
  ].sort((a, b) => a.serial.localeCompare(b.serial));
  table([
    ['SERIAL', 'TYPE', 'DIGITS', 'MANUFACTURER', 'MODEL', 'STATE'],
    ...rows.map((row) => [row.serial, kind(row.data), String(row.data.digits), text(row.data.manufacturer), text(row.data.model), row.state]),
  ]).forEach((line) => io.out(line));
}

async function assignCommand(store: Store, argv: string[], io: CliIo) {
  const { args } = parseCommand('oath assign', argv, {}, ['serial', 'username']);
  const serial = normalizeSerial(args[0]);
  const account = await accountOf(store, 'oath assign', args[1]!);
  const token = await store.tokens.get(oathMethod, serial);
  if (!token) {
    const active = await store.credentials.findByExternalId(oathMethod, serial);
    throw new InvalidInputError([active ? `oath assign: token ${serial} is activated by someone: unassign it first` : `oath assign: there is no token ${serial}`]);
  }
  if (token.accountId === account.id) return io.out(`token ${serial} is already assigned to '${account.username}'`);
  if ((await tokensHeld(store.credentials, store.tokens, account.id)) >= tokensPerPerson) {
    throw new InvalidInputError([`oath assign: '${account.username}' already holds ${tokensPerPerson} tokens, the most one person may have`]);
  }
  await store.tokens.assign(oathMethod, serial, account.id);
  await createAudit(store.audit, silentLogger).record({ type: 'token.assign', result: 'ok', method: oathMethod, accountId: account.id, username: account.username, actor: cliActor(), reason: `serial ${serial}${token.accountId ? ', taken from another person' : ''}` });
  io.out(`assigned token ${serial} to '${account.username}': they activate it from their security info with its serial and a code`);
}

async function unassignCommand(store: Store, argv: string[], io: CliIo) {
  const { args } = parseCommand('oath unassign', argv, {}, ['serial']);
  const serial = normalizeSerial(args[0]);
  const audit = createAudit(store.audit, silentLogger);
  const token = await store.tokens.get(oathMethod, serial);
  if (token) {
    if (!token.accountId) return io.out(`token ${serial} is already in stock`);
    const account = await store.accounts.findById(token.accountId);
    await store.tokens.assign(oathMethod, serial, null);
    await audit.record({ type: 'token.unassign', result: 'ok', method: oathMethod, accountId: token.accountId, username: account?.username ?? null, actor: cliActor(), reason: `serial ${serial}, not yet activated` });
    return io.out(`token ${serial} is back in stock`);
  }
  const active = await store.credentials.findByExternalId(oathMethod, serial);
  if (!active) throw new InvalidInputError([`oath unassign: there is no token ${serial}`]);
  // The token stops signing its person in and goes back to stock with its counter, ready for
  // someone else: its seed moves, it is never copied.
  const { resync: _resync, drift: _drift, ...data } = active.data;
  await store.credentials.remove(active.accountId, active.id);
  await store.tokens.add([{ method: oathMethod, serial, secret: active.secret!, data, counter: active.counter, accountId: null }]);
  const account = await store.accounts.findById(active.accountId);
  await audit.record({ type: 'token.unassign', result: 'ok', method: oathMethod, accountId: active.accountId, username: account?.username ?? null, actor: cliActor(), reason: `serial ${serial}, was activated: removed from the account` });
  io.out(`token ${serial} no longer signs in '${account?.username ?? active.accountId}' and is back in stock`);
}

export async function oathCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  const commands = { import: importCommand, list: listCommand, assign: assignCommand, unassign: unassignCommand };
  if (!sub || !(sub in commands)) throw new UsageError(sub ? `oath: unknown command '${sub}'` : 'oath: which command?');
  await commands[sub as keyof typeof commands](store, argv, io);
}
