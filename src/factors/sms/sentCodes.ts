// Codes sent by text: 6 digits, single use, 5 minutes, 5 tries each. The code is never stored:
// its record (in the challenge store, encrypted) keeps an HMAC of it under a key that only the
// sign-in's own state holds. Each try takes the record in one atomic step and puts it back with
// one more try counted, so racing guesses can neither reuse a code nor overshoot the tries.
import { createHmac, randomBytes, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { ChallengeStore } from '../../store/types.js';
import { secondsUntil } from '../phoneMethods.js';
import type { VerifyFailure } from '../types.js';

export const codeLifetime = 5 * 60;
export const triesPerCode = 5;

/** What the sign-in (or the pending setup) keeps: which record, and the key to check against it. */
export interface SentCodeRef {
  codeId: string;
  key: string;
  expiresAt: number;
}

const recordKey = (codeId: string) => `sms-code:${codeId}`;
const mac = (key: string, code: string) => createHmac('sha256', Buffer.from(key, 'base64url')).update(code).digest('base64url');

export function sentCodes(challenges: ChallengeStore, now: () => number) {
  return {
    /** A new code and the reference to keep; the code itself goes in the text and nowhere else. */
    async create(accountId: string): Promise<{ code: string; ref: SentCodeRef }> {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const codeId = randomUUID();
      const key = randomBytes(32).toString('base64url');
      const expiresAt = now() + codeLifetime * 1000;
      await challenges.put(recordKey(codeId), accountId, { mac: mac(key, code), tries: 0, expiresAt }, codeLifetime);
      return { code, ref: { codeId, key, expiresAt } };
    },

    /** Checks a typed code. 'ok' uses the code up. */
    async check(ref: Partial<SentCodeRef> | undefined, code: string): Promise<'ok' | 'expired' | VerifyFailure> {
      if (!ref || typeof ref.codeId !== 'string' || typeof ref.key !== 'string' || typeof ref.expiresAt !== 'number') return 'no_credential';
      if (ref.expiresAt <= now()) return 'expired';
      const taken = await challenges.take(recordKey(ref.codeId));
      // Gone: used, or being tried by a racing request this very moment.
      if (!taken) return 'replayed';
      const { mac: expected, tries } = taken.data as { mac: string; tries: number };
      const putBack = (count: number) => challenges.put(recordKey(ref.codeId!), taken.accountId, { ...taken.data, tries: count }, secondsUntil(ref.expiresAt!, now()));
      if (tries >= triesPerCode) {
        await putBack(tries);
        return 'too_many_tries';
      }
      const given = Buffer.from(mac(ref.key, code));
      if (given.length === expected.length && timingSafeEqual(given, Buffer.from(expected))) return 'ok';
      await putBack(tries + 1);
      return 'wrong_code';
    },
  };
}
