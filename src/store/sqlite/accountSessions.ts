// Ends everything oidc-provider holds for one account, in one statement (see Store.endAccountSessions).
import type { EndSessionsOptions } from '../types.js';
import type { Db } from './database.js';
import { keptGrants } from '../keptGrants.js';

/** The models that carry an account's sign-in: its sessions and what was issued under them. */
export const accountModels = ['Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode'] as const;

export function sqliteEndAccountSessions(db: Db) {
  // Written as the partial index of migration 5 is, so that SQLite uses it.
  const end = db.prepare(`DELETE FROM oidc_payloads
    WHERE model IN ('Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode')
      AND json_extract(payload, '$.accountId') = ?`);
  const session = db.prepare(`SELECT payload FROM oidc_payloads WHERE model = 'Session' AND uid = ?`);
  // Everything but the kept Session, its Grants and what was issued under them (by grant id).
  const endOthers = db.prepare(`DELETE FROM oidc_payloads
    WHERE model IN ('Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode')
      AND json_extract(payload, '$.accountId') = @accountId
      AND NOT (model = 'Session' AND COALESCE(uid, '') = @keep)
      AND COALESCE(CASE WHEN model = 'Grant' THEN id ELSE grant_id END, '') NOT IN (SELECT value FROM json_each(@grants))`);
  const endExcept = db.transaction((accountId: string, keep: string) => {
    const row = session.get(keep) as { payload: string } | undefined;
    const grants = keptGrants(row && JSON.parse(row.payload), accountId);
    return endOthers.run({ accountId, keep, grants: JSON.stringify(grants) }).changes;
  });
  return async (accountId: string, options: EndSessionsOptions = {}): Promise<number> =>
    options.keepSessionUid ? endExcept(accountId, options.keepSessionUid) : end.run(accountId).changes;
}
