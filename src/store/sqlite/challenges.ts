// Per-interaction sign-in state, encrypted as a whole: it may hold a method being set up.
import type { SecretBox } from '../../crypto/secretBox.js';
import { type ChallengeStore, sealContext } from '../types.js';
import type { Db } from './database.js';

interface ChallengeRow {
  account_id: string;
  data_sealed: string;
}

export function sqliteChallenges(db: Db, box: SecretBox, now: () => number): ChallengeStore {
  const upsert = db.prepare(`INSERT INTO challenges (uid, account_id, data_sealed, expires_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (uid) DO UPDATE SET account_id = excluded.account_id, data_sealed = excluded.data_sealed, expires_at = excluded.expires_at`);
  const select = db.prepare('SELECT account_id, data_sealed FROM challenges WHERE uid = ? AND expires_at > ?');
  const take = db.prepare('DELETE FROM challenges WHERE uid = ? AND expires_at > ? RETURNING account_id, data_sealed');
  const remove = db.prepare('DELETE FROM challenges WHERE uid = ?');
  const open = (uid: string, row: ChallengeRow | undefined) =>
    row && { accountId: row.account_id, data: JSON.parse(box.open(row.data_sealed, sealContext.challenge(uid, row.account_id))) as Record<string, unknown> };

  return {
    async put(uid, accountId, data, ttlSeconds) {
      upsert.run(uid, accountId, box.seal(JSON.stringify(data), sealContext.challenge(uid, accountId)), now() + ttlSeconds * 1000);
    },
    async get(uid) {
      return open(uid, select.get(uid, now()) as ChallengeRow | undefined);
    },
    async take(uid) {
      return open(uid, take.get(uid, now()) as ChallengeRow | undefined);
    },
    async delete(uid) {
      remove.run(uid);
    },
  };
}
