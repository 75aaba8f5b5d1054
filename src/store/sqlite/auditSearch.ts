// The sign-in log's query over the audit table: one SELECT with the filters given, newest first.
import type { AuditQuery, AuditStore } from '../types.js';
import type { AuditRow } from '../rows.js';
import type { Db } from './database.js';

export function sqliteAuditSearch(db: Db): AuditStore['search'] {
  return async (query: AuditQuery) => {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: query.limit };
    if (query.user !== undefined) {
      where.push('(username = @user COLLATE NOCASE OR account_id = @user)');
      params.user = query.user;
    }
    if (query.clientId !== undefined) (where.push('client_id = @clientId'), (params.clientId = query.clientId));
    if (query.method !== undefined) (where.push('method = @method'), (params.method = query.method));
    if (query.rule !== undefined) (where.push('rule = @rule'), (params.rule = query.rule));
    if (query.from !== undefined) (where.push('at >= @from'), (params.from = query.from));
    if (query.to !== undefined) (where.push('at < @to'), (params.to = query.to));
    if (query.types) {
      where.push(`type IN (${query.types.map((_, i) => `@type${i}`).join(', ') || 'NULL'})`);
      query.types.forEach((type, i) => (params[`type${i}`] = type));
    }
    const rows = db.prepare(`SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`).all(params) as AuditRow[];
    return rows.map((row) => ({
      at: row.at, type: row.type, result: row.result, accountId: row.account_id, username: row.username, clientId: row.client_id,
      ip: row.ip, userAgent: row.user_agent, rule: row.rule, method: row.method, reason: row.reason, actor: row.actor,
    }));
  };
}
