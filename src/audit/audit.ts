// The sign-in and security-event log: every step of every sign-in, with the precise
// reason a person is never shown. Events also go to the server log.
import type { Logger } from '../log.js';
import type { AuditEvent, AuditStore } from '../store/types.js';

export type AuditInput = Omit<AuditEvent, 'at'>;

export interface Audit {
  record(event: AuditInput): Promise<void>;
}

export function createAudit(store: AuditStore, log: Logger, now: () => number = Date.now): Audit {
  return {
    async record(event) {
      const { type, result, ...fields } = event;
      log.info(`audit ${type} ${result}`, Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined && value !== null)));
      await store.append({ ...event, at: now() });
    },
  };
}

export function formatAuditEvent(event: AuditEvent): string {
  const parts = [
    new Date(event.at).toISOString(),
    event.type,
    event.result,
    event.username ? `user=${event.username}` : undefined,
    event.clientId ? `client=${event.clientId}` : undefined,
    event.method ? `method=${event.method}` : undefined,
    event.rule ? `rule="${event.rule}"` : undefined,
    event.ip ? `ip=${event.ip}` : undefined,
    event.reason ? `reason="${event.reason}"` : undefined,
    event.actor ? `by=${event.actor}` : undefined,
    event.userAgent ? `agent="${event.userAgent.slice(0, 60)}"` : undefined,
  ];
  return parts.filter(Boolean).join(' ');
}
