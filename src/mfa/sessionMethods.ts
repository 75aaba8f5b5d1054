// Which methods proved each sign-in session, keyed by account and login time: a session counts
// for another application only where that application's policy accepts a method that really
// proved it. Two methods can give the same amr (an app code and a recovery code are both `otp`),
// so the amr alone cannot say. Kept in the challenge store (encrypted, with an expiry), so every
// node sees it.
import type { ChallengeStore } from '../store/types.js';

const keyOf = (accountId: string, loginTs: number) => `session-methods:${accountId}:${loginTs}`;

export function sessionMethods(challenges: ChallengeStore, ttlSeconds: number) {
  return {
    record(accountId: string, loginTs: number, methods: string[]): Promise<void> {
      return challenges.put(keyOf(accountId, loginTs), accountId, { methods }, ttlSeconds);
    },
    async list(accountId: string, loginTs: number): Promise<string[]> {
      const found = await challenges.get(keyOf(accountId, loginTs));
      return found?.accountId === accountId && Array.isArray(found.data.methods) ? (found.data.methods as string[]) : [];
    },
  };
}
