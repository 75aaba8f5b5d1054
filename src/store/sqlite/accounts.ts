import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type Account, type AccountStore, type NewAccount, sealContext, StoreConflictError } from '../types.js';
import type { Db } from './database.js';

interface AccountRow {
  id: string;
  username: string;
  display_name: string | null;
  email: string | null;
  email_verified: number;
  phone_sealed: string | null;
  phone_verified: number;
  disabled: number;
  created_at: number;
  groups: string | null;
}

const selectAccount = `
  SELECT a.id, a.username, a.display_name, a.email, a.email_verified, a.phone_sealed, a.phone_verified, a.disabled, a.created_at,
         (SELECT json_group_array(g.name) FROM account_groups g WHERE g.account_id = a.id) AS groups
  FROM accounts a`;

export function sqliteAccounts(db: Db, box: SecretBox, now: () => number): AccountStore {
  const toAccount = (row: AccountRow | undefined): Account | undefined =>
    row && {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      email: row.email,
      emailVerified: row.email_verified === 1,
      phone: row.phone_sealed ? box.open(row.phone_sealed, sealContext.accountPhone(row.id)) : null,
      phoneVerified: row.phone_verified === 1,
      groups: (JSON.parse(row.groups ?? '[]') as string[]).sort(),
      disabled: row.disabled === 1,
      createdAt: row.created_at,
    };

  const byId = db.prepare(`${selectAccount} WHERE a.id = ?`);
  const byUsername = db.prepare(`${selectAccount} WHERE a.username = ?`);
  const all = db.prepare(`${selectAccount} ORDER BY a.username`);
  const insert = db.prepare(`INSERT INTO accounts (id, username, display_name, email, email_verified, phone_sealed, phone_verified, password_hash, created_at, updated_at)
    VALUES (@id, @username, @displayName, @email, @emailVerified, @phoneSealed, @phoneVerified, @passwordHash, @now, @now)`);
  const insertGroup = db.prepare('INSERT OR IGNORE INTO account_groups (account_id, name) VALUES (?, ?)');
  const selectHash = db.prepare('SELECT password_hash FROM accounts WHERE id = ?');
  const updateHash = db.prepare('UPDATE accounts SET password_hash = ?, updated_at = ? WHERE id = ?');
  const updateDisabled = db.prepare('UPDATE accounts SET disabled = ?, updated_at = ? WHERE id = ?');
  const exists = db.prepare('SELECT 1 FROM accounts WHERE id = ?');
  const deleteGroups = db.prepare('DELETE FROM account_groups WHERE account_id = ?');
  const touch = db.prepare('UPDATE accounts SET updated_at = ? WHERE id = ?');
  const deleteAccount = db.prepare('DELETE FROM accounts WHERE id = ?');
  const setGroups = db.transaction((id: string, groups: string[]) => {
    if (!exists.get(id)) return false;
    deleteGroups.run(id);
    for (const group of groups) insertGroup.run(id, group);
    touch.run(now(), id);
    return true;
  });
  const create = db.transaction((account: Omit<NewAccount, 'phone'> & { id: string; phoneSealed: string | null }) => {
    if (byUsername.get(account.username)) throw new StoreConflictError(`account '${account.username}'`);
    insert.run({
      ...account, displayName: account.displayName ?? null, email: account.email ?? null, now: now(),
      // Nothing unproven is ever marked verified: no address, no flag.
      emailVerified: account.email && account.emailVerified ? 1 : 0, phoneVerified: account.phoneSealed && account.phoneVerified ? 1 : 0,
    });
    for (const group of account.groups ?? []) insertGroup.run(account.id, group);
  });

  return {
    async create(input) {
      const id = randomUUID();
      const phoneSealed = input.phone ? box.seal(input.phone, sealContext.accountPhone(id)) : null;
      create({ ...input, id, phoneSealed });
      return toAccount(byId.get(id) as AccountRow)!;
    },
    async findById(id) {
      return toAccount(byId.get(id) as AccountRow | undefined);
    },
    async findByUsername(username) {
      return toAccount(byUsername.get(username) as AccountRow | undefined);
    },
    async passwordHash(id) {
      const row = selectHash.get(id) as { password_hash: string | null } | undefined;
      return row?.password_hash ?? undefined;
    },
    async setPasswordHash(id, hash) {
      updateHash.run(hash, now(), id);
    },
    async setDisabled(id, disabled) {
      return updateDisabled.run(disabled ? 1 : 0, now(), id).changes === 1;
    },
    async setGroups(id, groups) {
      return setGroups(id, groups);
    },
    async remove(id) {
      return deleteAccount.run(id).changes === 1;
    },
    async updateProfile(id, change) {
      const sets: string[] = [];
      const values: Record<string, unknown> = { id, now: now() };
      const set = (column: string, value: unknown) => {
        sets.push(`${column} = @${column}`);
        values[column] = value;
      };
      if (change.displayName !== undefined) set('display_name', change.displayName);
      if (change.email !== undefined) set('email', change.email);
      if (change.phone !== undefined) set('phone_sealed', change.phone ? box.seal(change.phone, sealContext.accountPhone(id)) : null);
      // A new address is unproven unless the change says otherwise; a removed one cannot be verified.
      const emailVerified = change.emailVerified ?? (change.email !== undefined ? false : undefined);
      const phoneVerified = change.phoneVerified ?? (change.phone !== undefined ? false : undefined);
      // SET expressions see the row as it was, so a value changed here is judged by what it becomes.
      const verified = (flag: boolean, newValue: string | null | undefined, column: string) =>
        !flag ? '0' : newValue !== undefined ? (newValue ? '1' : '0') : `CASE WHEN ${column} IS NULL THEN 0 ELSE 1 END`;
      if (emailVerified !== undefined) sets.push(`email_verified = ${verified(emailVerified, change.email, 'email')}`);
      if (phoneVerified !== undefined) sets.push(`phone_verified = ${verified(phoneVerified, change.phone, 'phone_sealed')}`);
      sets.push('updated_at = @now');
      return db.prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE id = @id`).run(values).changes === 1;
    },
    async list() {
      return (all.all() as AccountRow[]).map((row) => toAccount(row)!);
    },
  };
}
