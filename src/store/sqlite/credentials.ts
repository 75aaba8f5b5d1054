import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type Credential, type CredentialStore, sealContext } from '../types.js';
import type { Db } from './database.js';

interface CredentialRow {
  id: string;
  account_id: string;
  method: string;
  label: string | null;
  secret_sealed: string | null;
  is_default: number;
  created_at: number;
  last_used_at: number | null;
}

export function sqliteCredentials(db: Db, box: SecretBox, now: () => number): CredentialStore {
  const toCredential = (row: CredentialRow): Credential => ({
    id: row.id,
    accountId: row.account_id,
    method: row.method,
    label: row.label,
    secret: row.secret_sealed ? box.open(row.secret_sealed, sealContext.credentialSecret(row.id, row.account_id)) : null,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  });
  const listRows = db.prepare('SELECT * FROM credentials WHERE account_id = ? ORDER BY created_at, id');
  const bumpVersion = db.prepare(`INSERT INTO methods_versions (account_id, version) VALUES (?, 1)
    ON CONFLICT (account_id) DO UPDATE SET version = version + 1`);
  const insert = db.prepare(`INSERT INTO credentials (id, account_id, method, label, secret_sealed, is_default, last_step, created_at)
    VALUES (@id, @accountId, @method, @label, @secretSealed, @isDefault, @lastStep, @createdAt)`);
  const promoteOldest = db.prepare(`UPDATE credentials SET is_default = 1 WHERE id =
    (SELECT id FROM credentials WHERE account_id = ? ORDER BY created_at, id LIMIT 1)`);

  const add = db.transaction((row: Record<string, unknown>) => {
    const hasAny = db.prepare('SELECT 1 FROM credentials WHERE account_id = ?').get(row.accountId);
    insert.run({ ...row, isDefault: hasAny ? 0 : 1 });
    bumpVersion.run(row.accountId);
  });
  const remove = db.transaction((accountId: string, id: string) => {
    const removed = db.prepare('DELETE FROM credentials WHERE id = ? AND account_id = ? RETURNING is_default').get(id, accountId) as { is_default: number } | undefined;
    if (!removed) return false;
    if (removed.is_default) promoteOldest.run(accountId);
    bumpVersion.run(accountId);
    return true;
  });
  const setDefault = db.transaction((accountId: string, id: string) => {
    if (!db.prepare('SELECT 1 FROM credentials WHERE id = ? AND account_id = ?').get(id, accountId)) return false;
    db.prepare('UPDATE credentials SET is_default = (id = ?) WHERE account_id = ?').run(id, accountId);
    return true;
  });

  return {
    async add(input) {
      const id = randomUUID();
      add({
        id,
        accountId: input.accountId,
        method: input.method,
        label: input.label ?? null,
        secretSealed: input.secret ? box.seal(input.secret, sealContext.credentialSecret(id, input.accountId)) : null,
        lastStep: input.usedStep ?? null,
        createdAt: now(),
      });
      return toCredential(db.prepare('SELECT * FROM credentials WHERE id = ?').get(id) as CredentialRow);
    },
    async list(accountId) {
      return (listRows.all(accountId) as CredentialRow[]).map(toCredential);
    },
    async remove(accountId, id) {
      return remove(accountId, id);
    },
    async setDefault(accountId, id) {
      return setDefault(accountId, id);
    },
    async claimStep(id, step, at) {
      // One statement: SQLite serialises writers, so two racing requests cannot both win.
      return db.prepare('UPDATE credentials SET last_step = ?, last_used_at = ? WHERE id = ? AND (last_step IS NULL OR last_step < ?)')
        .run(step, at, id, step).changes === 1;
    },
    async methodsVersion(accountId) {
      return (db.prepare('SELECT version FROM methods_versions WHERE account_id = ?').get(accountId) as { version: number } | undefined)?.version ?? 0;
    },
  };
}
