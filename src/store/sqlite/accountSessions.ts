// Ends everything oidc-provider holds for one account, in one statement (see Store.endAccountSessions).
import type { Db } from './database.js';

/** The models that carry an account's sign-in: its sessions and what was issued under them. */
export const accountModels = ['Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode'] as const;

export function sqliteEndAccountSessions(db: Db) {
  // Written as the partial index of migration 5 is, so that SQLite uses it.
  const end = db.prepare(`DELETE FROM oidc_payloads
    WHERE model IN ('Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode')
      AND json_extract(payload, '$.accountId') = ?`);
  return async (accountId: string): Promise<number> => end.run(accountId).changes;
}
