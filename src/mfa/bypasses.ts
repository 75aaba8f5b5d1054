// One-time bypass: an administrator lets a person's next sign-in, within a few minutes, skip the
// second factor once (the helpdesk's answer to "I left my phone at home"). Kept in the challenge
// store: the expiry is the store's own, and `take` (one atomic delete-and-return, raced in the
// store contract suite) makes it single use however many sign-ins race for it, on one node or many.
import type { ChallengeStore } from '../store/types.js';

/** Minutes a bypass may be issued for: 5 unless the administrator says otherwise, never more than 30. */
export const bypassMinutes = { default: 5, min: 1, max: 30 } as const;

export interface Bypass {
  /** Who issued it, as the audit log names them (`admin:<username>`, `cli:<os user>`). */
  issuedBy: string;
  issuedAt: number;
  expiresAt: number;
}

const pendingKey = (accountId: string) => `bypass:${accountId}`;
const usedKey = (accountId: string, loginTs: number) => `bypass-used:${accountId}:${loginTs}`;

export type Bypasses = ReturnType<typeof bypasses>;

/** `sessionTtl`: seconds the sign-in session a bypass let in is remembered as bypassed. */
export function bypasses(challenges: ChallengeStore, now: () => number, sessionTtl: number) {
  const read = (found: { accountId: string; data: Record<string, unknown> } | undefined, accountId: string): Bypass | undefined =>
    found && found.accountId === accountId ? (found.data as unknown as Bypass) : undefined;
  return {
    /** Issues a bypass for `minutes`, replacing any the account already had. */
    async issue(accountId: string, minutes: number, issuedBy: string): Promise<Bypass> {
      const issuedAt = now();
      const bypass: Bypass = { issuedBy, issuedAt, expiresAt: issuedAt + minutes * 60_000 };
      await challenges.put(pendingKey(accountId), accountId, bypass as unknown as Record<string, unknown>, minutes * 60);
      return bypass;
    },
    /** The account's unused, unexpired bypass, if any. */
    async pending(accountId: string): Promise<Bypass | undefined> {
      const bypass = read(await challenges.get(pendingKey(accountId)), accountId);
      return bypass && bypass.expiresAt > now() ? bypass : undefined;
    },
    async revoke(accountId: string): Promise<boolean> {
      return Boolean(await challenges.take(pendingKey(accountId)));
    },
    /** ATOMIC. Spends the account's bypass on the sign-in made at `loginTs` (seconds): of racing
     * sign-ins, one gets it. That sign-in's session is then remembered as bypassed. */
    async use(accountId: string, loginTs: number): Promise<Bypass | undefined> {
      const taken = read(await challenges.take(pendingKey(accountId)), accountId);
      // The store expires it too, by its own clock; this is Twofold's.
      const bypass = taken && taken.expiresAt > now() ? taken : undefined;
      if (bypass) await challenges.put(usedKey(accountId, loginTs), accountId, { ...bypass, usedAt: now() }, sessionTtl);
      return bypass;
    },
    /** Whether the sign-in session made at `loginTs` was let in by a bypass. */
    async usedFor(accountId: string, loginTs: number): Promise<boolean> {
      return Boolean(read(await challenges.get(usedKey(accountId, loginTs)), accountId));
    },
  };
}
