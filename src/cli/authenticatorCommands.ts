// `twofold authenticator ...`: the Node authenticator as a command, for headless devices and
// scripts. Its accounts (private keys included) live in one JSON file readable only by its owner.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import {
  activate, answer, AuthenticatorError, type AuthenticatorAccount, currentCode, listen, parseActivationLink, pendingRequests,
} from '../authenticator/client.js';
import { parseCommand } from './args.js';
import { type CliIo, table, UsageError } from './io.js';

export const authenticatorUsage = [
  'twofold authenticator activate <activation-link> [--name <device name>] [--file <accounts file>]',
  'twofold authenticator list [--file <accounts file>]',
  'twofold authenticator pending [--account <username>] [--file <accounts file>]',
  'twofold authenticator listen [--account <username>] [--file <accounts file>]',
  'twofold authenticator approve <request-id> <number> [--account <username>] [--file <accounts file>]',
  'twofold authenticator deny <request-id> [--account <username>] [--file <accounts file>]',
  'twofold authenticator report <request-id> [--account <username>] [--file <accounts file>]',
  'twofold authenticator code [--account <username>] [--file <accounts file>]',
];

const fileOption = { file: { type: 'string' } } as const;
const accountOptions = { ...fileOption, account: { type: 'string' } } as const;

const accountsFile = (io: CliIo, file?: string) => resolve(file ?? io.env.TWOFOLD_AUTHENTICATOR_FILE ?? 'twofold-authenticator.json');

function load(path: string): AuthenticatorAccount[] {
  if (!existsSync(path)) return [];
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as { accounts?: AuthenticatorAccount[] };
    return parsed.accounts ?? [];
  } catch {
    throw new UsageError(`authenticator: '${path}' is not an accounts file`);
  }
}

function save(path: string, accounts: AuthenticatorAccount[]) {
  writeFileSync(path, `${JSON.stringify({ accounts }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

function pick(accounts: AuthenticatorAccount[], command: string, username?: string): AuthenticatorAccount {
  const matching = username ? accounts.filter((account) => account.account === username) : accounts;
  if (matching.length === 1) return matching[0]!;
  if (!accounts.length) throw new UsageError(`authenticator ${command}: no accounts yet; activate one first`);
  throw new UsageError(username ? `authenticator ${command}: no account '${username}'` : `authenticator ${command}: several accounts; say which with --account`);
}

const when = (at: number) => new Date(at).toISOString();

export async function authenticatorCommand([sub, ...argv]: string[], io: CliIo): Promise<number> {
  try {
    return await run(sub, argv, io);
  } catch (error) {
    if (error instanceof AuthenticatorError) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

async function run(sub: string | undefined, argv: string[], io: CliIo): Promise<number> {
  switch (sub) {
    case 'activate': {
      const { values, args } = parseCommand('authenticator activate', argv, { ...fileOption, name: { type: 'string' } }, ['activation-link']);
      const { server, code } = parseActivationLink(args[0]!);
      const name = (values.name ?? hostname()).trim().slice(0, 64) || 'Node authenticator';
      const path = accountsFile(io, values.file);
      const accounts = load(path);
      const { account, confirmation } = await activate({ server, code, name });
      save(path, [...accounts, account]);
      io.out(`added ${account.account} at ${account.issuer} as '${name}'`);
      io.out(`confirmation code: ${confirmation}`);
      return 0;
    }
    case 'list': {
      const { values } = parseCommand('authenticator list', argv, fileOption, []);
      const accounts = load(accountsFile(io, values.file));
      if (!accounts.length) io.out('no accounts');
      else table([['ACCOUNT', 'ISSUER', 'SERVER', 'DEVICE'], ...accounts.map((a) => [a.account, a.issuer, a.server, a.name])]).forEach((line) => io.out(line));
      return 0;
    }
    case 'pending': {
      const { values } = parseCommand('authenticator pending', argv, accountOptions, []);
      const account = pick(load(accountsFile(io, values.file)), 'pending', values.account);
      const requests = await pendingRequests(account);
      if (!requests.length) io.out('no requests');
      else table([['REQUEST', 'APPLICATION', 'ADDRESS', 'BROWSER', 'TIME'], ...requests.map((r) => [r.id, r.clientName ?? '', r.ip ?? '', r.userAgent ?? '', when(r.createdAt)])]).forEach((line) => io.out(line));
      return 0;
    }
    case 'listen': {
      const { values } = parseCommand('authenticator listen', argv, accountOptions, []);
      const account = pick(load(accountsFile(io, values.file)), 'listen', values.account);
      io.out(`listening for ${account.account} at ${account.issuer}; stop with Ctrl-C`);
      await listen(account, (r) => io.out(`request ${r.id}: ${r.clientName ?? 'an application'} from ${r.ip ?? 'an unknown address'} (${r.userAgent ?? 'unknown browser'}) at ${when(r.createdAt)}`));
      return 0;
    }
    case 'approve':
    case 'deny':
    case 'report': {
      const positionals = sub === 'approve' ? ['request-id', 'number'] : ['request-id'];
      const { values, args } = parseCommand(`authenticator ${sub}`, argv, accountOptions, positionals);
      if (sub === 'approve' && !/^\d{2}$/.test(args[1]!)) throw new UsageError(`authenticator approve: the number must be the two digits the sign-in page shows but is '${args[1]}'`);
      const account = pick(load(accountsFile(io, values.file)), sub, values.account);
      const decision = sub === 'approve' ? 'approve' : sub === 'deny' ? 'deny' : 'fraud';
      const status = await answer(account, args[0]!, decision, args[1] ?? '');
      io.out({ approved: 'approved', denied: 'denied', fraud: 'denied and reported as fraud', wrong_number: 'denied: that was not the number shown' }[status] ?? status);
      return 0;
    }
    case 'code': {
      const { values } = parseCommand('authenticator code', argv, accountOptions, []);
      io.out(await currentCode(pick(load(accountsFile(io, values.file)), 'code', values.account)));
      return 0;
    }
    default:
      throw new UsageError(sub ? `authenticator: unknown command '${sub}'` : 'authenticator: which command?');
  }
}
