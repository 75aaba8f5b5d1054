// The audit log, in the order events were appended (their times may come from other clocks).
import type { AuditEvent, AuditStore } from '../types.js';
import type { Models } from './models.js';
import type { AuditRow } from '../rows.js';

export type AuditDoc = AuditRow;

export const toAuditDoc = (event: AuditEvent): AuditDoc => ({
  at: event.at, type: event.type, result: event.result, account_id: event.accountId ?? null, username: event.username ?? null,
  client_id: event.clientId ?? null, ip: event.ip ?? null, user_agent: event.userAgent ?? null, rule: event.rule ?? null,
  method: event.method ?? null, reason: event.reason ?? null, actor: event.actor ?? null,
});

export function mongoAudit(models: Models): Omit<AuditStore, 'search'> {
  const { audit } = models;
  return {
    async append(event) {
      await audit.create(toAuditDoc(event));
    },
    async tail({ accountId, limit }) {
      // ObjectIds grow with insertion (seconds, then a per-process counter), as SQLite's row
      // numbers do; events two nodes append within the same second may interleave either way.
      const docs = await audit.find(accountId ? { account_id: accountId } : {}).sort({ _id: -1 }).limit(limit).lean<AuditDoc[]>();
      return docs.reverse().map((doc) => ({
        at: doc.at, type: doc.type, result: doc.result, accountId: doc.account_id ?? null, username: doc.username ?? null, clientId: doc.client_id ?? null,
        ip: doc.ip ?? null, userAgent: doc.user_agent ?? null, rule: doc.rule ?? null, method: doc.method ?? null, reason: doc.reason ?? null, actor: doc.actor ?? null,
      }));
    },
  };
}
