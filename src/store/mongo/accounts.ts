import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type Account, type AccountStore, sealContext, StoreConflictError } from '../types.js';
import { ours } from './connection.js';
import { isDuplicateKey } from './errors.js';
import type { Models } from './models.js';

export interface AccountDoc {
  _id: string;
  username: string;
  username_key: string;
  display_name: string | null;
  email: string | null;
  email_verified: boolean;
  phone_sealed: string | null;
  phone_verified: boolean;
  password_hash: string | null;
  disabled: boolean;
  groups: string[];
  created_at: number;
  updated_at: number;
}

/** SQLite's NOCASE folds ASCII only; lower-casing is the closest fold both stores agree on for
 * the names Twofold accepts. */
export const usernameKey = (username: string) => username.toLowerCase();

export function mongoAccounts(models: Models, box: SecretBox, now: () => number): AccountStore {
  const { accounts } = models;
  const toAccount = (doc: AccountDoc | null): Account | undefined =>
    doc
      ? {
          id: doc._id,
          username: doc.username,
          displayName: doc.display_name ?? null,
          email: doc.email ?? null,
          emailVerified: doc.email_verified === true,
          phone: doc.phone_sealed ? box.open(doc.phone_sealed, sealContext.accountPhone(doc._id)) : null,
          phoneVerified: doc.phone_verified === true,
          groups: [...(doc.groups ?? [])].sort(),
          disabled: doc.disabled === true,
          createdAt: doc.created_at,
        }
      : undefined;
  const byId = async (id: string) => toAccount(await accounts.findById(id).lean<AccountDoc>());

  return {
    async create(input) {
      const id = randomUUID();
      const at = now();
      const phoneSealed = input.phone ? box.seal(input.phone, sealContext.accountPhone(id)) : null;
      try {
        // The unique index on username_key decides a race between two creations.
        await accounts.create({
          _id: id, username: input.username, username_key: usernameKey(input.username), display_name: input.displayName ?? null,
          email: input.email ?? null, email_verified: Boolean(input.email && input.emailVerified), phone_sealed: phoneSealed,
          phone_verified: Boolean(phoneSealed && input.phoneVerified), password_hash: input.passwordHash, disabled: false,
          groups: [...new Set(input.groups ?? [])], created_at: at, updated_at: at,
        } satisfies AccountDoc);
      } catch (error) {
        if (isDuplicateKey(error)) throw new StoreConflictError(`account '${input.username}'`);
        throw error;
      }
      return (await byId(id))!;
    },
    findById: byId,
    async findByUsername(username) {
      return toAccount(await accounts.findOne({ username_key: usernameKey(username) }).lean<AccountDoc>());
    },
    async passwordHash(id) {
      const doc = await accounts.findById(id, { password_hash: 1 }).lean<Pick<AccountDoc, 'password_hash'>>();
      return doc?.password_hash ?? undefined;
    },
    async setPasswordHash(id, hash) {
      await accounts.updateOne({ _id: id }, { $set: { password_hash: hash, updated_at: now() } });
    },
    async setDisabled(id, disabled) {
      return (await accounts.updateOne({ _id: id }, { $set: { disabled, updated_at: now() } })).matchedCount === 1;
    },
    async setGroups(id, groups) {
      return (await accounts.updateOne({ _id: id }, { $set: { groups: [...new Set(groups)], updated_at: now() } })).matchedCount === 1;
    },
    async remove(id) {
      const removed = (await accounts.deleteOne({ _id: id })).deletedCount === 1;
      // SQLite's ON DELETE CASCADE: an account's app passwords go with it.
      if (removed) await models.appPasswords.deleteMany({ account_id: id });
      return removed;
    },
    async updateProfile(id, change) {
      const set: Partial<AccountDoc> = { updated_at: now() };
      if (change.displayName !== undefined) set.display_name = change.displayName;
      if (change.email !== undefined) set.email = change.email;
      if (change.phone !== undefined) set.phone_sealed = change.phone ? box.seal(change.phone, sealContext.accountPhone(id)) : null;
      // A new address is unproven unless the change says otherwise; a removed one cannot be verified.
      const emailVerified = change.emailVerified ?? (change.email !== undefined ? false : undefined);
      const phoneVerified = change.phoneVerified ?? (change.phone !== undefined ? false : undefined);
      // A flag set without a new value vouches for the stored one: one conditional update each
      // way (value present or not), so a concurrent change of the value cannot be marked verified.
      const verifiedAlone: { field: 'email_verified' | 'phone_verified'; valueField: 'email' | 'phone_sealed' }[] = [];
      if (emailVerified !== undefined) {
        if (!emailVerified || change.email !== undefined) set.email_verified = emailVerified && Boolean(change.email);
        else verifiedAlone.push({ field: 'email_verified', valueField: 'email' });
      }
      if (phoneVerified !== undefined) {
        if (!phoneVerified || change.phone !== undefined) set.phone_verified = phoneVerified && Boolean(change.phone);
        else verifiedAlone.push({ field: 'phone_verified', valueField: 'phone_sealed' });
      }
      const matched = (await accounts.updateOne({ _id: id }, { $set: set })).matchedCount === 1;
      for (const { field, valueField } of verifiedAlone) {
        await accounts.updateOne({ _id: id, [valueField]: ours({ $type: 'string' }) }, { $set: { [field]: true } });
      }
      return matched;
    },
    async list() {
      return (await accounts.find().sort({ username_key: 1 }).lean<AccountDoc[]>()).map((doc) => toAccount(doc)!);
    },
  };
}
