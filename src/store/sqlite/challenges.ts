// Per-interaction sign-in state, encrypted as a whole: it may hold a method being set up.
import type { SecretBox } from '../../crypto/secretBox.js';
import { type ChallengeStore, sealContext } from '../types.js';
import type { Db } from './database.js';

export function sqliteChallenges(db: Db, box: SecretBox, now: () => number): ChallengeStore {
  return {
    async put(uid, accountId, data, ttlSeconds) {
      db.prepare(`INSERT INTO challenges (uid, account_id, data_sealed, expires_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (uid) DO UPDATE SET account_id = excluded.account_id, data_sealed = excluded.data_sealed, expires_at = excluded.expires_at`)
        .run(uid, accountId, box.seal(JSON.stringify(data), sealContext.challenge(uid, accountId)), now() + ttlSeconds * 1000);
    },
    async get(uid) {
      const row = db.prepare('SELECT account_id, data_sealed FROM challenges WHERE uid = ? AND expires_at > ?').get(uid, now()) as
        { account_id: string; data_sealed: string } | undefined;
      return row && { accountId: row.account_id, data: JSON.parse(box.open(row.data_sealed, sealContext.challenge(uid, row.account_id))) as Record<string, unknown> };
    },
    async take(uid) {
      const row = db.prepare('DELETE FROM challenges WHERE uid = ? AND expires_at > ? RETURNING account_id, data_sealed').get(uid, now()) as
        { account_id: string; data_sealed: string } | undefined;
      return row && { accountId: row.account_id, data: JSON.parse(box.open(row.data_sealed, sealContext.challenge(uid, row.account_id))) as Record<string, unknown> };
    },
    async delete(uid) {
      db.prepare('DELETE FROM challenges WHERE uid = ?').run(uid);
    },
  };
}
