import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type Credential, type CredentialStore, sealContext, StoreConflictError } from '../types.js';
import type { Db } from './database.js';
import type { CredentialRow as Row } from '../rows.js';

/** SQLite keeps the flags as integers, and which credential is the default on the row. */
type CredentialRow = Row & { defaultable: number; is_default: number };

export function sqliteCredentials(db: Db, box: SecretBox, now: () => number): CredentialStore {
  const toCredential = (row: CredentialRow): Credential => ({
    id: row.id,
    accountId: row.account_id,
    method: row.method,
    label: row.label,
    secret: row.secret_sealed ? box.open(row.secret_sealed, sealContext.credentialSecret(row.id, row.account_id)) : null,
    data: JSON.parse(row.data) as Record<string, unknown>,
    externalId: row.external_id,
    counter: row.last_step,
    version: row.version,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  });
  const byId = db.prepare('SELECT * FROM credentials WHERE id = ?');
  const byExternalId = db.prepare('SELECT * FROM credentials WHERE method = ? AND external_id = ?');
  const listRows = db.prepare('SELECT * FROM credentials WHERE account_id = ? ORDER BY created_at, id');
  const byMethod = db.prepare('SELECT * FROM credentials WHERE method = ? ORDER BY external_id, created_at, id');
  const hasDefault = db.prepare('SELECT 1 FROM credentials WHERE account_id = ? AND is_default = 1');
  const bumpVersion = db.prepare(`INSERT INTO methods_versions (account_id, version) VALUES (?, 1)
    ON CONFLICT (account_id) DO UPDATE SET version = version + 1`);
  const insert = db.prepare(`INSERT INTO credentials (id, account_id, method, label, secret_sealed, data, external_id, defaultable, is_default, last_step, created_at)
    VALUES (@id, @accountId, @method, @label, @secretSealed, @data, @externalId, @defaultable, @isDefault, @lastStep, @createdAt)`);
  // Only a credential that was defaultable when added can be promoted: recovery codes never are.
  const promoteOldest = db.prepare(`UPDATE credentials SET is_default = 1 WHERE id =
    (SELECT id FROM credentials WHERE account_id = ? AND defaultable = 1 ORDER BY created_at, id LIMIT 1)`);
  const deleteOne = db.prepare('DELETE FROM credentials WHERE id = ? AND account_id = ? RETURNING is_default');
  const deleteAll = db.prepare('DELETE FROM credentials WHERE account_id = ?');
  const claim = db.prepare('UPDATE credentials SET last_step = ?, last_used_at = ? WHERE id = ? AND (last_step IS NULL OR last_step < ?)');
  const compareAndSet = db.prepare('UPDATE credentials SET data = ?, version = version + 1, last_used_at = ? WHERE id = ? AND version = ?');
  const methodsVersion = db.prepare('SELECT version FROM methods_versions WHERE account_id = ?');
  const relabel = db.prepare('UPDATE credentials SET label = ? WHERE id = ? AND account_id = ?');

  const add = db.transaction((row: Record<string, unknown> & { accountId: string; defaultable: number }) => {
    const isDefault = row.defaultable && !hasDefault.get(row.accountId) ? 1 : 0;
    try {
      insert.run({ ...row, isDefault });
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new StoreConflictError(`${row.method as string} '${row.externalId as string}'`);
      throw error;
    }
    bumpVersion.run(row.accountId);
  });
  const remove = db.transaction((accountId: string, id: string) => {
    const removed = deleteOne.get(id, accountId) as { is_default: number } | undefined;
    if (!removed) return false;
    if (removed.is_default) promoteOldest.run(accountId);
    bumpVersion.run(accountId);
    return true;
  });
  const removeAll = db.transaction((accountId: string) => {
    const { changes } = deleteAll.run(accountId);
    if (changes) bumpVersion.run(accountId);
    return changes;
  });
  const setDefault = db.transaction((accountId: string, id: string) => {
    const row = byId.get(id) as CredentialRow | undefined;
    if (!row || row.account_id !== accountId || !row.defaultable) return false;
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
        data: JSON.stringify(input.data ?? {}),
        externalId: input.externalId ?? null,
        lastStep: input.usedStep ?? null,
        createdAt: now(),
        defaultable: input.defaultable === false ? 0 : 1,
      });
      return toCredential(byId.get(id) as CredentialRow);
    },
    async get(id) {
      const row = byId.get(id) as CredentialRow | undefined;
      return row && toCredential(row);
    },
    async list(accountId) {
      return (listRows.all(accountId) as CredentialRow[]).map(toCredential);
    },
    async findByExternalId(method, externalId) {
      const row = byExternalId.get(method, externalId) as CredentialRow | undefined;
      return row && toCredential(row);
    },
    async listByMethod(method) {
      return (byMethod.all(method) as CredentialRow[]).map(toCredential);
    },
    async remove(accountId, id) {
      return remove(accountId, id);
    },
    async removeAll(accountId) {
      return removeAll(accountId);
    },
    async setDefault(accountId, id) {
      return setDefault(accountId, id);
    },
    async rename(accountId, id, label) {
      return relabel.run(label, id, accountId).changes === 1;
    },
    async claimStep(id, step, at) {
      // One statement: SQLite serialises writers, so two racing requests cannot both win.
      return claim.run(step, at, id, step).changes === 1;
    },
    async updateData(id, version, data, at) {
      return compareAndSet.run(JSON.stringify(data), at, id, version).changes === 1;
    },
    async methodsVersion(accountId) {
      return (methodsVersion.get(accountId) as { version: number } | undefined)?.version ?? 0;
    },
  };
}
