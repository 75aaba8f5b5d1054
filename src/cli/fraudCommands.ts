// `twofold fraud list` and `twofold user unblock`: the fraud reports people made, and lifting
// the block a report put on an account's second factor.
import { normalizeUsername } from '../accounts/validate.js';
import { createAudit } from '../audit/audit.js';
import { createFraudReports } from '../fraud/fraudReports.js';
import { silentLogger } from '../log.js';
import type { Store } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { cliActor } from './actor.js';
import { parseCommand } from './args.js';
import { type CliIo, table, UsageError } from './io.js';

export const fraudUsage = [
  'twofold user unblock <username>',
  'twofold fraud list [--user <username>] [--lines <n>]',
];

async function accountOf(store: Store, command: string, username: string) {
  const account = await store.accounts.findByUsername(normalizeUsername(username));
  if (!account) throw new InvalidInputError([`${command}: there is no user '${username}'`]);
  return account;
}

// Unblocking needs no block rule: only reporting does.
const reportsIn = (store: Store) => createFraudReports({ store: store.fraud, audit: createAudit(store.audit, silentLogger), rule: 'until-unblocked', now: Date.now });

export async function unblockCommand(store: Store, argv: string[], io: CliIo): Promise<void> {
  const { args } = parseCommand('user unblock', argv, {}, ['username']);
  const account = await accountOf(store, 'user unblock', args[0]!);
  const lifted = await reportsIn(store).unblock({ accountId: account.id, username: account.username }, cliActor());
  io.out(lifted ? `unblocked '${account.username}': their second factor works again` : `'${account.username}' was not blocked`);
}

export async function fraudCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  if (sub !== 'list') throw new UsageError(sub ? `fraud: unknown command '${sub}'` : 'fraud: which command?');
  const { values } = parseCommand('fraud list', argv, { user: { type: 'string' }, lines: { type: 'string' } }, []);
  const limit = values.lines === undefined ? 50 : Number(values.lines);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new UsageError(`fraud list: --lines must be a whole number from 1 to 10000 but is '${values.lines}'`);
  const accountId = values.user ? (await accountOf(store, 'fraud list', values.user)).id : undefined;
  const reports = await reportsIn(store).list({ accountId, limit });
  if (!reports.length) return io.out('no fraud reports');
  const blocks = new Map<string, string>();
  for (const accountId of new Set(reports.map((r) => r.accountId))) {
    const block = await store.fraud.blockOf(accountId, Date.now());
    blocks.set(accountId, !block ? 'no' : block.until === null ? 'until unblocked' : `until ${new Date(block.until).toISOString()}`);
  }
  table([
    ['TIME', 'USER', 'APPLICATION', 'ADDRESS', 'METHOD', 'BLOCKED'],
    ...reports.map((r) => [new Date(r.at).toISOString(), r.username ?? r.accountId, r.clientId ?? '', r.ip ?? '', r.method, blocks.get(r.accountId)!]),
  ]).forEach((line) => io.out(line));
}
