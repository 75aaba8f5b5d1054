// `twofold audit tail`: the newest audit events, as lines or JSON, since a time, and following
// new ones as they are recorded (any node writing to the same store).
import { setTimeout as sleep } from 'node:timers/promises';
import { formatAuditEvent } from '../audit/audit.js';
import { normalizeUsername } from '../accounts/validate.js';
import { parseDuration } from '../duration.js';
import type { AuditEvent, Store } from '../store/types.js';
import { InvalidInputError } from '../validation.js';
import { parseCommand } from './args.js';
import { type CliIo, UsageError } from './io.js';

export const auditUsage = ['twofold audit tail [--user <username>] [--lines <n>] [--since <duration|date>] [--follow] [--json]'];

/** The most events one read returns; --since reads this many and keeps those recent enough. */
const mostEvents = 10000;
/** How often --follow looks for new events. */
export const followEvery = 1000;

/** "15m", "2h", "7d" before now, or a date ("2026-11-22", "2026-11-22T10:00:00Z"): milliseconds. */
function sinceTime(text: string, now: number): number {
  const seconds = parseDuration(text);
  if (seconds !== undefined) return now - seconds * 1000;
  const at = /^\d{4}-\d\d-\d\d/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new UsageError(`audit tail: --since must be a duration such as 15m, 12h or 7d, or a date such as 2026-11-22 or 2026-11-22T10:00:00Z, but is '${text}'`);
  return at;
}

/** One event as a JSON line: the time as ISO 8601, fields without a value left out. */
export const auditEventJson = (event: AuditEvent) =>
  JSON.stringify(Object.fromEntries(Object.entries({ ...event, at: new Date(event.at).toISOString() }).filter(([, value]) => value !== null && value !== undefined)));

export async function auditCommand(store: Store, [sub, ...argv]: string[], io: CliIo): Promise<void> {
  if (sub !== 'tail') throw new UsageError(sub ? `audit: unknown command '${sub}'` : 'audit: which command?');
  const { values } = parseCommand('audit tail', argv, {
    user: { type: 'string' }, lines: { type: 'string' }, since: { type: 'string' }, follow: { type: 'boolean' }, json: { type: 'boolean' },
  }, []);
  const limit = values.lines === undefined ? 20 : Number(values.lines);
  if (!Number.isInteger(limit) || limit < 1 || limit > mostEvents) throw new UsageError(`audit tail: --lines must be a whole number from 1 to ${mostEvents} but is '${values.lines}'`);
  const since = values.since === undefined ? undefined : sinceTime(values.since, Date.now());
  let accountId: string | undefined;
  if (values.user) {
    const account = await store.accounts.findByUsername(normalizeUsername(values.user));
    if (!account) throw new InvalidInputError([`audit tail: there is no user '${values.user}'`]);
    accountId = account.id;
  }
  const print = (event: AuditEvent) => io.out(values.json ? auditEventJson(event) : formatAuditEvent(event));

  let events = since === undefined
    ? await store.audit.tail({ accountId, limit })
    : (await store.audit.tail({ accountId, limit: mostEvents })).filter((event) => event.at >= since);
  // With --since, every event since then unless --lines caps it.
  if (since !== undefined && values.lines !== undefined) events = events.slice(-limit);
  if (!events.length && !values.json && !values.follow) return io.out('no events');
  events.forEach(print);
  if (!values.follow) return;

  // Events carry no id: the newest one printed is found again in the next read by its content,
  // and what follows it is new.
  let last = events.at(-1) ? auditEventJson(events.at(-1)!) : undefined;
  for (;;) {
    await sleep(followEvery, undefined, { signal: io.signal }).catch(() => undefined);
    if (io.signal?.aborted) return;
    const recent = await store.audit.tail({ accountId, limit: mostEvents });
    const seen = last === undefined ? -1 : recent.findLastIndex((event) => auditEventJson(event) === last);
    const fresh = recent.slice(seen + 1).filter((event) => since === undefined || event.at >= since);
    fresh.forEach(print);
    if (fresh.length) last = auditEventJson(fresh.at(-1)!);
  }
}
