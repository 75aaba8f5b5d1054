// The sign-in log's query over the audit collection: one find with the filters given, newest first.
import type { AuditQuery, AuditStore } from '../types.js';
import type { AuditRow } from '../rows.js';
import { ours } from './connection.js';
import type { Models } from './models.js';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function mongoAuditSearch(models: Models): AuditStore['search'] {
  return async (query: AuditQuery) => {
    const filter: Record<string, unknown> = {};
    // Values from a request stay values (sanitizeFilter); the operators here are the adapter's own.
    if (query.user !== undefined) filter.$or = [{ username: new RegExp(`^${escapeRegex(query.user)}$`, 'i') }, { account_id: query.user }];
    if (query.clientId !== undefined) filter.client_id = query.clientId;
    if (query.method !== undefined) filter.method = query.method;
    if (query.rule !== undefined) filter.rule = query.rule;
    if (query.types) filter.type = ours({ $in: query.types });
    if (query.from !== undefined || query.to !== undefined) {
      filter.at = ours({ ...(query.from !== undefined ? { $gte: query.from } : {}), ...(query.to !== undefined ? { $lt: query.to } : {}) });
    }
    const docs = await models.audit.find(filter).sort({ _id: -1 }).limit(query.limit).lean<AuditRow[]>();
    return docs.map((doc) => ({
      at: doc.at, type: doc.type, result: doc.result, accountId: doc.account_id ?? null, username: doc.username ?? null, clientId: doc.client_id ?? null,
      ip: doc.ip ?? null, userAgent: doc.user_agent ?? null, rule: doc.rule ?? null, method: doc.method ?? null, reason: doc.reason ?? null, actor: doc.actor ?? null,
    }));
  };
}
