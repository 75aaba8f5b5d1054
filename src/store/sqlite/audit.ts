import type { AuditEvent, AuditStore } from '../types.js';
import type { Db } from './database.js';
import type { AuditRow } from '../rows.js';

const columns = ['at', 'type', 'result', 'account_id', 'username', 'client_id', 'ip', 'user_agent', 'rule', 'method', 'reason', 'actor'] as const;

/** The audit insert as a plain synchronous call, for writes that go in one transaction with others. */
export function auditInserter(db: Db): (event: AuditEvent) => void {
  const insert = db.prepare(`INSERT INTO audit (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  return (event) => {
    insert.run({
      at: event.at, type: event.type, result: event.result, account_id: event.accountId ?? null, username: event.username ?? null,
      client_id: event.clientId ?? null, ip: event.ip ?? null, user_agent: event.userAgent ?? null, rule: event.rule ?? null,
      method: event.method ?? null, reason: event.reason ?? null, actor: event.actor ?? null,
    });
  };
}

export function sqliteAudit(db: Db): Omit<AuditStore, 'search'> {
  const insert = auditInserter(db);
  const tailOfAccount = db.prepare('SELECT * FROM audit WHERE account_id = ? ORDER BY id DESC LIMIT ?');
  const tailOfAll = db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?');
  return {
    async append(event) {
      insert(event);
    },
    async tail({ accountId, limit }) {
      const rows = (accountId
        ? tailOfAccount.all(accountId, limit)
        : tailOfAll.all(limit)) as AuditRow[];
      return rows.reverse().map((row) => ({
        at: row.at, type: row.type, result: row.result, accountId: row.account_id, username: row.username, clientId: row.client_id,
        ip: row.ip, userAgent: row.user_agent, rule: row.rule, method: row.method, reason: row.reason, actor: row.actor,
      }));
    },
  };
}
