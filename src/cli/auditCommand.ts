import { formatAuditEvent } from '../audit/audit.js';
import { normalizeUsername } from '../accounts/validate.js';
import type { Store } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { parseCommand } from './args.js';
import { type CliIo, UsageError } from './io.js';

export const auditUsage = ['twofold audit tail [--user <username>] [--lines <n>]'];

export async function auditCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  if (sub !== 'tail') throw new UsageError(sub ? `audit: unknown command '${sub}'` : 'audit: which command?');
  const { values } = parseCommand('audit tail', argv, { user: { type: 'string' }, lines: { type: 'string' } }, []);
  const limit = values.lines === undefined ? 20 : Number(values.lines);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new UsageError(`audit tail: --lines must be a whole number from 1 to 10000 but is '${values.lines}'`);
  let accountId: string | undefined;
  if (values.user) {
    const account = await store.accounts.findByUsername(normalizeUsername(values.user));
    if (!account) throw new InvalidInputError([`audit tail: there is no user '${values.user}'`]);
    accountId = account.id;
  }
  const events = await store.audit.tail({ accountId, limit });
  if (!events.length) return io.out('no events');
  events.forEach((event) => io.out(formatAuditEvent(event)));
}
