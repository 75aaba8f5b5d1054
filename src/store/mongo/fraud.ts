// Fraud reports and the second-factor blocks they cause.
import type { FraudBlock, FraudReport, FraudStore } from '../types.js';
import { ours } from './connection.js';
import { orderedId } from './ids.js';
import type { Models } from './models.js';
import type { FraudReportRow, Keyed } from '../rows.js';

export type ReportDoc = Keyed<FraudReportRow>;

export interface BlockDoc {
  _id: string;
  since: number;
  until: number | null;
  report_id: string | null;
}

const toReport = (doc: ReportDoc): FraudReport => ({
  id: doc._id, at: doc.at, accountId: doc.account_id, username: doc.username ?? null, clientId: doc.client_id ?? null,
  ip: doc.ip ?? null, userAgent: doc.user_agent ?? null, method: doc.method,
});

export function mongoFraud(models: Models): FraudStore {
  const { fraudReports: reports, fraudBlocks: blocks } = models;
  return {
    async addReport(report) {
      const id = orderedId();
      await reports.create({
        _id: id, at: report.at, account_id: report.accountId, username: report.username, client_id: report.clientId, ip: report.ip,
        user_agent: report.userAgent, method: report.method,
      } satisfies ReportDoc);
      return { id, ...report };
    },
    async listReports({ accountId, limit }) {
      return (await reports.find(accountId ? { account_id: accountId } : {}).sort({ at: -1, _id: -1 }).limit(limit).lean<ReportDoc[]>()).map(toReport);
    },
    async block({ accountId, since, until, reportId }) {
      // One update with an aggregation pipeline, so two reports at once cannot shorten a block:
      // a block that ended before this one starts is replaced; otherwise open-ended stays
      // open-ended and the later end wins. A new document (upsert) has no `since` yet.
      const current = { $ifNull: ['$until', null] };
      const replace = { $or: [{ $eq: [{ $type: '$since' }, 'missing'] }, { $and: [{ $ne: [current, null] }, { $lte: [current, since] }] }] };
      const longest = until === null ? null : { $cond: [{ $eq: [current, null] }, null, { $max: [current, until] }] };
      await blocks.updateOne(
        { _id: accountId },
        [{ $set: { since: { $cond: [replace, since, '$since'] }, until: { $cond: [replace, { $literal: until }, longest] }, report_id: { $literal: reportId } } }],
        { upsert: true, updatePipeline: true },
      );
    },
    async blockOf(accountId, at) {
      const doc = await blocks.findOne({ _id: accountId, $or: [{ until: null }, { until: ours({ $gt: at }) }] }).lean<BlockDoc>();
      return doc ? { accountId: doc._id, since: doc.since, until: doc.until ?? null, reportId: doc.report_id ?? null } : undefined;
    },
    async unblock(accountId) {
      return (await blocks.deleteOne({ _id: accountId })).deletedCount === 1;
    },
  };
}
