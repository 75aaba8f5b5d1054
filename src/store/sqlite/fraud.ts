// Fraud reports and the second-factor blocks they cause.
import { randomUUID } from 'node:crypto';
import type { FraudBlock, FraudReport, FraudStore } from '../types.js';
import type { Db } from './database.js';
import type { FraudReportRow as ReportRow } from '../rows.js';

interface BlockRow {
  account_id: string;
  since: number;
  until: number | null;
  report_id: string | null;
}

const toReport = (row: ReportRow): FraudReport => ({
  id: row.id, at: row.at, accountId: row.account_id, username: row.username, clientId: row.client_id, ip: row.ip, userAgent: row.user_agent, method: row.method,
});

export function sqliteFraud(db: Db): FraudStore {
  const insert = db.prepare(`INSERT INTO fraud_reports (id, at, account_id, username, client_id, ip, user_agent, method)
    VALUES (@id, @at, @accountId, @username, @clientId, @ip, @userAgent, @method)`);
  const listAll = db.prepare('SELECT * FROM fraud_reports ORDER BY at DESC, rowid DESC LIMIT ?');
  const listFor = db.prepare('SELECT * FROM fraud_reports WHERE account_id = ? ORDER BY at DESC, rowid DESC LIMIT ?');
  // A later report never shortens a block: open-ended stays open-ended, otherwise the later end wins.
  const upsertBlock = db.prepare(`INSERT INTO fraud_blocks (account_id, since, until, report_id) VALUES (@accountId, @since, @until, @reportId)
    ON CONFLICT (account_id) DO UPDATE SET
      since = CASE WHEN fraud_blocks.until IS NOT NULL AND fraud_blocks.until <= excluded.since THEN excluded.since ELSE fraud_blocks.since END,
      until = CASE WHEN fraud_blocks.until IS NOT NULL AND fraud_blocks.until <= excluded.since THEN excluded.until
                   WHEN fraud_blocks.until IS NULL OR excluded.until IS NULL THEN NULL
                   ELSE MAX(fraud_blocks.until, excluded.until) END,
      report_id = excluded.report_id`);
  const active = db.prepare('SELECT * FROM fraud_blocks WHERE account_id = ? AND (until IS NULL OR until > ?)');
  const remove = db.prepare('DELETE FROM fraud_blocks WHERE account_id = ?');
  return {
    async addReport(report) {
      const row = { id: randomUUID(), ...report };
      insert.run(row);
      return row;
    },
    async listReports({ accountId, limit }) {
      return ((accountId ? listFor.all(accountId, limit) : listAll.all(limit)) as ReportRow[]).map(toReport);
    },
    async block({ accountId, since, until, reportId }) {
      upsertBlock.run({ accountId, since, until, reportId });
    },
    async blockOf(accountId, at) {
      const row = active.get(accountId, at) as BlockRow | undefined;
      return row && ({ accountId: row.account_id, since: row.since, until: row.until, reportId: row.report_id } satisfies FraudBlock);
    },
    async unblock(accountId) {
      return remove.run(accountId).changes === 1;
    },
  };
}
