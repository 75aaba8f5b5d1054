// Fraud reports, for every method that can make one (0# on a call now, the app's button later):
// record the report, block the account's second factor as configured, and audit both. The
// sign-in being reported is the caller's to deny.
import type { Audit } from '../audit/audit.js';
import type { FraudBlock, FraudReport, FraudStore } from '../store/types.js';

/** Config's `fraudBlock`: until an administrator unblocks, for a number of seconds, or not at all. */
export type FraudBlockRule = 'until-unblocked' | 'off' | number;

export interface ReportedSignIn {
  accountId: string;
  username?: string | null;
  clientId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** The method the report came through (`voice`, `push`). */
  method: string;
}

export interface FraudReports {
  report(signIn: ReportedSignIn): Promise<{ report: FraudReport; block: FraudBlock | undefined }>;
  /** The block on the account's second factor now, if any. */
  blockOf(accountId: string): Promise<FraudBlock | undefined>;
  /** Lifts a block; false when there was none. `actor` says who, for the audit log. */
  unblock(account: { accountId: string; username?: string | null }, actor: string): Promise<boolean>;
  list(options: { accountId?: string; limit: number }): Promise<FraudReport[]>;
}

export function blockUntil(rule: FraudBlockRule, at: number): number | null | 'none' {
  if (rule === 'off') return 'none';
  return rule === 'until-unblocked' ? null : at + rule * 1000;
}

const describeBlock = (until: number | null) => (until === null ? 'second factor blocked until an administrator unblocks it' : `second factor blocked until ${new Date(until).toISOString()}`);

export function createFraudReports({ store, audit, rule, now }: { store: FraudStore; audit: Audit; rule: FraudBlockRule; now: () => number }): FraudReports {
  return {
    async report(signIn) {
      const at = now();
      const report = await store.addReport({
        at, accountId: signIn.accountId, username: signIn.username ?? null, clientId: signIn.clientId ?? null, ip: signIn.ip ?? null,
        userAgent: signIn.userAgent ?? null, method: signIn.method,
      });
      const until = blockUntil(rule, at);
      if (until !== 'none') await store.block({ accountId: signIn.accountId, since: at, until, reportId: report.id });
      const block = until === 'none' ? undefined : await store.blockOf(signIn.accountId, at);
      await audit.record({
        type: 'fraud.report', result: 'fail', accountId: signIn.accountId, username: signIn.username, clientId: signIn.clientId,
        ip: signIn.ip, userAgent: signIn.userAgent, method: signIn.method,
        reason: `the person reported this sign-in as not theirs; ${block ? describeBlock(block.until) : 'report only (TWOFOLD_FRAUD_BLOCK=off)'}`,
      });
      return { report, block };
    },
    blockOf: (accountId) => store.blockOf(accountId, now()),
    async unblock({ accountId, username }, actor) {
      const lifted = await store.unblock(accountId);
      if (lifted) await audit.record({ type: 'fraud.unblock', result: 'ok', accountId, username, actor, reason: 'second factor unblocked after a fraud report' });
      return lifted;
    },
    list: (options) => store.listReports(options),
  };
}
