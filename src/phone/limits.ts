// Counts texts and calls against the toll-fraud limits in the store, so every server process
// shares one count. Each send is recorded before it is counted: of racing sends, none can see
// a count that leaves out the others, so a limit is never exceeded (a race may refuse one
// more than strictly needed). A refused send still counts at the scope that refused it, so
// hammering keeps a number quiet instead of letting one more through whenever one ages out;
// it is not counted at the wider scopes.
import { createHmac, hkdfSync } from 'node:crypto';
import type { AttemptStore } from '../store/types.js';
import { decideSend, limitScopes, limitWindowMs, type PhoneLimits, type SendCounts, type TollFraudDecision } from './tollFraud.js';

export interface SendLimiter {
  admit(send: { accountId: string; to: string; callingCode: string | null }): Promise<TollFraudDecision>;
}

/** Phone numbers are secrets at rest, so the per-number count is kept under a keyed hash. */
export function numberHasher(encryptionKey: Buffer): (e164: string) => string {
  const key = Buffer.from(hkdfSync('sha256', encryptionKey, Buffer.alloc(0), 'twofold phone number counts', 32));
  return (e164) => createHmac('sha256', key).update(e164).digest('base64url');
}

export function createSendLimiter({ attempts, limits, hashNumber, now }: { attempts: AttemptStore; limits: PhoneLimits; hashNumber: (e164: string) => string; now: () => number }): SendLimiter {
  return {
    async admit({ accountId, to, callingCode }) {
      const counts: SendCounts = {};
      const country = decideSend({ callingCode, counts, limits });
      if (!country.allowed) return country;
      const at = now();
      const subjects = { number: `phone.number:${hashNumber(to)}`, account: `phone.account:${accountId}`, global: 'phone.all' };
      for (const scope of limitScopes) {
        // `network` only feeds the per-network failure count, which counts failures alone.
        await attempts.recordAttempt({ subject: subjects[scope], network: 'phone', ok: true, at });
        counts[scope] = (await attempts.attemptTimes(subjects[scope], at - limitWindowMs)).length;
        const decision = decideSend({ callingCode, counts, limits });
        if (!decision.allowed) return decision;
      }
      return { allowed: true };
    },
  };
}
