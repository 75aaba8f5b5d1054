// The sign-in log as administrators read it: audit events filtered by user, application, result,
// method, policy rule and date range, each classed as a success, a failed second factor or a
// block, and counted per hour by class for the chart.
import type { AuditEvent, Store } from '../store/types.js';
import type { LogQuery } from './schemas.js';

export type SignInClass = 'success' | 'mfa-failed' | 'blocked';

/** How far back the log looks: the newest events the store hands out in one read. */
export const logWindow = 20_000;

/** What an event says about a sign-in, if anything. */
export function classify(event: AuditEvent): SignInClass | undefined {
  if (event.type === 'policy') {
    if (event.reason?.startsWith('require none')) return 'success';
    if (event.reason?.startsWith('require block')) return 'blocked';
    return undefined;
  }
  if (event.type === 'fraud.report') return 'blocked';
  if (event.type === 'mfa.verify') {
    if (event.result === 'ok') return 'success';
    return /blocked|locked|too many/i.test(event.reason ?? '') ? 'blocked' : 'mfa-failed';
  }
  if ((event.type === 'mfa.skip' || event.type === 'mfa.bypass') && event.result === 'ok') return 'success';
  return undefined;
}

export interface LogEntry extends AuditEvent {
  class?: SignInClass;
}

const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

export async function readSignInLog(store: Pick<Store, 'audit' | 'accounts'>, query: LogQuery): Promise<LogEntry[]> {
  const user = query.user?.trim().toLowerCase();
  const from = query.from ? dayStart(query.from) : undefined;
  const to = query.to ? dayStart(query.to) + 86_400_000 : undefined;
  const events = await store.audit.tail({ limit: logWindow });
  const matches: LogEntry[] = [];
  // Newest first, as people read a log.
  for (let i = events.length - 1; i >= 0 && matches.length < query.limit; i--) {
    const event = events[i]!;
    const entry: LogEntry = { ...event, class: classify(event) };
    if (user && event.username?.toLowerCase() !== user && event.accountId !== query.user) continue;
    if (query.application && event.clientId !== query.application) continue;
    if (query.result && entry.class !== query.result) continue;
    if (query.method && event.method !== query.method) continue;
    if (query.rule && event.rule !== query.rule) continue;
    if (from !== undefined && event.at < from) continue;
    if (to !== undefined && event.at >= to) continue;
    matches.push(entry);
  }
  return matches;
}

export interface HourCount {
  /** The hour's start, ISO (UTC). */
  hour: string;
  success: number;
  'mfa-failed': number;
  blocked: number;
}

/** Sign-ins per hour by class, oldest hour first, every hour from the first to the last present. */
export function perHour(entries: LogEntry[]): HourCount[] {
  const classed = entries.filter((entry) => entry.class);
  if (!classed.length) return [];
  const hourOf = (at: number) => Math.floor(at / 3_600_000) * 3_600_000;
  const first = Math.min(...classed.map((entry) => hourOf(entry.at)));
  const last = Math.max(...classed.map((entry) => hourOf(entry.at)));
  const hours = new Map<number, HourCount>();
  // At most a week of hours, so a wide range cannot make a huge chart.
  for (let at = Math.max(first, last - 167 * 3_600_000); at <= last; at += 3_600_000) {
    hours.set(at, { hour: new Date(at).toISOString(), success: 0, 'mfa-failed': 0, blocked: 0 });
  }
  for (const entry of classed) {
    const hour = hours.get(hourOf(entry.at));
    if (hour) hour[entry.class!] += 1;
  }
  return [...hours.values()];
}
