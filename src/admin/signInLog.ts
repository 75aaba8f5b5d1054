// The sign-in log as administrators read it: audit events filtered by user, application, result,
// method, policy rule and date range, each classed as a success, a failed second factor or a
// block, and counted per hour by class for the chart.
import type { AuditEvent, Store } from '../store/types.js';
import type { LogQuery } from './schemas.js';

export type SignInClass = 'success' | 'mfa-failed' | 'blocked';

/** How many events a filter by result reads at most (the store filters everything else itself). */
export const logWindow = 50_000;

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

/** Event types that say something about a sign-in's result (see `classify`). */
const resultTypes = ['policy', 'fraud.report', 'mfa.verify', 'mfa.skip', 'mfa.bypass'];

export async function readSignInLog(store: Pick<Store, 'audit'>, query: LogQuery): Promise<LogEntry[]> {
  const from = query.from ? dayStart(query.from) : undefined;
  const to = query.to ? dayStart(query.to) + 86_400_000 : undefined;
  const wanted = { user: query.user?.trim() || undefined, clientId: query.application, method: query.method, rule: query.rule, from, to };
  if (!query.result) return (await store.audit.search({ ...wanted, limit: query.limit })).map((event) => ({ ...event, class: classify(event) }));
  // A result is read from the event (a policy's reason, a code's outcome): the store narrows to
  // the kinds of event that carry one, and each is classed here.
  const events = await store.audit.search({ ...wanted, types: resultTypes, limit: logWindow });
  return events.map((event): LogEntry => ({ ...event, class: classify(event) })).filter((entry) => entry.class === query.result).slice(0, query.limit);
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
