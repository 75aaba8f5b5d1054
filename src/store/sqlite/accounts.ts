import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type Account, type AccountStore, type NewAccount, sealContext, StoreConflictError } from '../types.js';
import type { Db } from './database.js';

interface AccountRow {
  id: string;
  username: string;
  display_name: string | null;
  email: string | null;
  phone_sealed: string | null;
  disabled: number;
  created_at: number;
  groups: string | null;
}

const selectAccount = `
  SELECT a.id, a.username, a.display_name, a.email, a.phone_sealed, a.disabled, a.created_at,
         (SELECT json_group_array(g.name) FROM account_groups g WHERE g.account_id = a.id) AS groups
  FROM accounts a`;

export function sqliteAccounts(db: Db, box: SecretBox, now: () => number): AccountStore {
  const toAccount = (row: AccountRow | undefined): Account | undefined =>
    row && {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      email: row.email,
      phone: row.phone_sealed ? box.open(row.phone_sealed, sealContext.accountPhone(row.id)) : null,
      groups: (JSON.parse(row.groups ?? '[]') as string[]).sort(),
      disabled: row.disabled === 1,
      createdAt: row.created_at,
    };

  const byId = db.prepare(`${selectAccount} WHERE a.id = ?`);
  const byUsername = db.prepare(`${selectAccount} WHERE a.username = ?`);
  const all = db.prepare(`${selectAccount} ORDER BY a.username`);
  const insert = db.prepare(`INSERT INTO accounts (id, username, display_name, email, phone_sealed, password_hash, created_at, updated_at)
    VALUES (@id, @username, @displayName, @email, @phoneSealed, @passwordHash, @now, @now)`);
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
    insert.run({ ...account, displayName: account.displayName ?? null, email: account.email ?? null, now: now() });
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
    async list() {
      return (all.all() as AccountRow[]).map((row) => toAccount(row)!);
    },
  };
}
