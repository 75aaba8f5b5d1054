// App passwords: only their hashes, with a name and when they were made and last used.
import type { AppPassword, AppPasswordStore } from '../types.js';
import { isDuplicateKey } from './errors.js';
import { orderedId } from './ids.js';
import type { Models } from './models.js';
import type { AppPasswordRow, Keyed } from '../rows.js';

// The limit without a transaction: each password holds one of the account's numbered slots
// (0 to max - 1) under a unique index, so racing creations on any number of nodes can never
// hold more than `max` between them; a removed password frees its slot.
export type AppPasswordDoc = Keyed<AppPasswordRow> & { slot: number };

const toAppPassword = (doc: AppPasswordDoc): AppPassword => ({
  id: doc._id,
  accountId: doc.account_id,
  name: doc.name,
  prefix: doc.prefix,
  hash: doc.hash,
  createdAt: doc.created_at,
  lastUsedAt: doc.last_used_at ?? null,
});

export function mongoAppPasswords(models: Models, now: () => number): AppPasswordStore {
  const { appPasswords } = models;
  return {
    async add({ accountId, name, prefix, hash }, max) {
      // A lost race for a slot (the unique index refuses it) tries the next free one; at most
      // `max` tries can be lost, each to a password that then counts.
      for (let tries = 0; tries <= max; tries += 1) {
        const held = await appPasswords.find({ account_id: accountId }, { slot: 1 }).lean<{ slot: number }[]>();
        if (held.length >= max) return undefined;
        const used = new Set(held.map((doc) => doc.slot));
        let slot = 0;
        while (used.has(slot)) slot += 1;
        if (slot >= max) return undefined;
        const doc: AppPasswordDoc = { _id: orderedId(), account_id: accountId, name, prefix, hash, created_at: now(), last_used_at: null, slot };
        try {
          await appPasswords.create(doc);
          return toAppPassword(doc);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
      }
      return undefined;
    },
    async list(accountId) {
      return (await appPasswords.find({ account_id: accountId }).sort({ created_at: 1, _id: 1 }).lean<AppPasswordDoc[]>()).map(toAppPassword);
    },
    async remove(accountId, id) {
      return (await appPasswords.deleteOne({ _id: id, account_id: accountId })).deletedCount === 1;
    },
    async touch(id, at) {
      await appPasswords.updateOne({ _id: id }, { $set: { last_used_at: at } });
    },
  };
}

