// App passwords: only their hashes, with a name and when they were made and last used.
import { randomUUID } from 'node:crypto';
import type { AppPassword, AppPasswordStore } from '../types.js';
import type { Db } from './database.js';
import type { AppPasswordRow } from '../rows.js';

const toAppPassword = (row: AppPasswordRow): AppPassword => ({
  id: row.id,
  accountId: row.account_id,
  name: row.name,
  prefix: row.prefix,
  hash: row.hash,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

export function sqliteAppPasswords(db: Db, now: () => number): AppPasswordStore {
  const count = db.prepare('SELECT COUNT(*) AS n FROM app_passwords WHERE account_id = ?');
  const insert = db.prepare('INSERT INTO app_passwords (id, account_id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const byId = db.prepare('SELECT * FROM app_passwords WHERE id = ?');
  const byAccount = db.prepare('SELECT * FROM app_passwords WHERE account_id = ? ORDER BY created_at, id');
  const deleteOne = db.prepare('DELETE FROM app_passwords WHERE id = ? AND account_id = ?');
  const touch = db.prepare('UPDATE app_passwords SET last_used_at = ? WHERE id = ?');
  // Counting and inserting in one transaction: racing creations cannot pass the limit together.
  const add = db.transaction((id: string, accountId: string, name: string, prefix: string, hash: string, max: number) => {
    if ((count.get(accountId) as { n: number }).n >= max) return false;
    insert.run(id, accountId, name, prefix, hash, now());
    return true;
  });
  return {
    async add({ accountId, name, prefix, hash }, max) {
      const id = randomUUID();
      if (!add(id, accountId, name, prefix, hash, max)) return undefined;
      return toAppPassword(byId.get(id) as AppPasswordRow);
    },
    async list(accountId) {
      return (byAccount.all(accountId) as AppPasswordRow[]).map(toAppPassword);
    },
    async remove(accountId, id) {
      return deleteOne.run(id, accountId).changes === 1;
    },
    async touch(id, at) {
      touch.run(at, id);
    },
  };
}
