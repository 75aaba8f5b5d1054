// The one pipeline every second-factor answer goes through, whichever page it came from:
// regulate, verify, count the success or failure, audit, answer. Pages only translate HTTP to a
// call and the result to a page, so every method gets lockouts, the audit trail and race safety
// by construction.
import type { Audit, AuditInput } from '../audit/audit.js';
import type { Factor, VerifyResult } from '../factors/types.js';
import type { FraudReports } from '../fraud/fraudReports.js';
import type { Refusal, Regulator } from '../regulation/regulator.js';

/** What the audit log says about who answered where; `type` names the step (`mfa.verify`,
 * `mfa.enroll`, `method.add`). */
export type AnswerContext = Omit<AuditInput, 'result' | 'reason' | 'method'> & { accountId: string; ip: string };

/** `blocked`: the account's second factor is blocked after a fraud report, until unblocked. */
export type Answer = VerifyResult | { outcome: 'refused'; refusal: Refusal } | { outcome: 'blocked' };

export interface PipelineDeps {
  regulator: Regulator;
  audit: Audit;
  /** Where a "this was not me" answer is reported, and whose block refuses every answer. */
  fraud?: FraudReports;
}

export const blockedReason = 'second factor blocked after a fraud report';

/** What the audit log records for a refused attempt. */
export const refusalReason = (refusal: Refusal) =>
  refusal.refused === 'network' ? 'network limit' : refusal.refused === 'sends' ? 'send limit' : 'locked';

function failureReason(result: Exclude<VerifyResult, { outcome: 'ok' | 'pending' }>): string {
  if (result.outcome === 'failed') return result.detail ? `${result.reason}: ${result.detail}` : result.reason;
  if (result.outcome === 'denied') return result.fraud ? 'denied and reported as fraud' : 'denied';
  return 'expired';
}

/**
 * Runs one answer to `factor` through regulation and audit. A typed answer (a code) is counted
 * before it is checked, so parallel guesses cannot overshoot the lockout; an answer given
 * elsewhere (`out-of-band`) cannot be guessed from here, so looking for it counts nothing until
 * it is in, but a locked account is refused all the same.
 */
export async function answer(deps: PipelineDeps, factor: Factor, context: AnswerContext, verify: () => Promise<VerifyResult>): Promise<Answer> {
  const { regulator, audit } = deps;
  const event = (result: 'ok' | 'fail', reason?: string) => ({ ...context, method: factor.id, result, reason });
  const record = (result: 'ok' | 'fail', reason?: string) => audit.record(event(result, reason));
  // An attempt's end and its audit line go to the store in one write.
  const entry = (result: 'ok' | 'fail', reason?: string) => audit.entry(event(result, reason));
  // A denial that reports fraud takes effect here, once, whichever page or method it came from.
  const reportFraud = async (result: VerifyResult) => {
    if (result.outcome !== 'denied' || !result.fraud || !deps.fraud) return;
    const { accountId, username, clientId, ip, userAgent } = context;
    await deps.fraud.report({ accountId, username, clientId, ip, userAgent, method: factor.id });
  };

  if (deps.fraud && (await deps.fraud.blockOf(context.accountId))) {
    await record('fail', blockedReason);
    return { outcome: 'blocked' };
  }

  if (factor.waiting === 'out-of-band') {
    const refusal = await regulator.check('mfa', context.accountId, context.ip);
    if (refusal) {
      await record('fail', refusalReason(refusal));
      return { outcome: 'refused', refusal };
    }
    const result = await verify();
    if (result.outcome === 'pending') return result;
    const attempt = await regulator.begin('mfa', context.accountId, context.ip);
    // Locked meanwhile (by other answers racing this one): the answer is spent, and refused.
    if (attempt.refusal) {
      await record('fail', `${refusalReason(attempt.refusal)} (answer came in meanwhile)`);
      return { outcome: 'refused', refusal: attempt.refusal };
    }
    if (result.outcome === 'ok') {
      await attempt.succeeded(entry('ok', result.notice?.text));
    } else {
      await attempt.failed(entry('fail', failureReason(result)));
      await reportFraud(result);
    }
    return result;
  }

  const attempt = await regulator.begin('mfa', context.accountId, context.ip);
  if (attempt.refusal) {
    await record('fail', refusalReason(attempt.refusal));
    return { outcome: 'refused', refusal: attempt.refusal };
  }
  const result = await verify();
  if (result.outcome === 'ok') {
    await attempt.succeeded(entry('ok', result.notice?.text));
  } else {
    // A typed answer is never "pending": whatever it was, it was a guess that did not work.
    await attempt.failed(entry('fail', result.outcome === 'pending' ? 'no answer yet' : failureReason(result)));
    await reportFraud(result);
  }
  return result;
}
