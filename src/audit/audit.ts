// The sign-in and security-event log: every step of every sign-in, with the precise
// reason a person is never shown. Events also go to the server log.
import type { Logger } from '../log.js';
import { escapeControls, field } from '../printable.js';
import type { AuditEvent, AuditStore } from '../store/types.js';

export type AuditInput = Omit<AuditEvent, 'at'>;

export interface Audit {
  record(event: AuditInput): Promise<void>;
  /** The event stamped and logged, for a store write that appends it together with others
   * (a regulated attempt's end: see Regulator's `succeeded` and `failed`). */
  entry(event: AuditInput): AuditEvent;
}

export function createAudit(store: AuditStore, log: Logger, now: () => number = Date.now): Audit {
  const entry = (event: AuditInput): AuditEvent => {
    const { type, result, ...fields } = event;
    log.info(`audit ${type} ${result}`, Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null)));
    return { ...event, at: now() };
  };
  return {
    entry,
    async record(event) {
      await store.append(entry(event));
    },
  };
}

/** One line per event, whatever its values hold: request-derived values (a typed username, a
 * user agent) are escaped and quoted where needed, so they cannot end the line, pass for
 * another field or drive the terminal. The store keeps them exact. */
export function formatAuditEvent(event: AuditEvent): string {
  const text = (name: string, value: string | null | undefined) => (value ? field(name, value) : undefined);
  const free = (name: string, value: string | null | undefined) => (value ? field(name, value, { alwaysQuote: true }) : undefined);
  const parts = [
    new Date(event.at).toISOString(),
    escapeControls(event.type),
    escapeControls(event.result),
    text('user', event.username),
    text('client', event.clientId),
    text('method', event.method),
    free('rule', event.rule),
    text('ip', event.ip),
    free('reason', event.reason),
    free('agent', event.userAgent),
    text('by', event.actor),
  ];
  return parts.filter(Boolean).join(' ');
}
