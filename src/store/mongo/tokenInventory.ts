// Hardware tokens between their import and their activation. A serial is unique per method in
// the inventory (a unique index) and is checked against the method's credentials before the
// import writes; `take` is one conditional delete, so of racing activations one gets the token.
import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type InventoryToken, sealContext, StoreConflictError, type TokenInventoryStore } from '../types.js';
import { ours } from './connection.js';
import { isDuplicateKey } from './errors.js';
import type { Models } from './models.js';
import type { InventoryRow } from '../rows.js';

/** MongoDB gives each its own `_id`; the serial stays unique per method by an index. */
export type InventoryDoc = InventoryRow & { _id: string };

export function mongoTokenInventory(models: Models, box: SecretBox, now: () => number): TokenInventoryStore {
  const { tokenInventory: inventory, credentials } = models;
  const toToken = (doc: InventoryDoc): InventoryToken => ({
    method: doc.method,
    serial: doc.serial,
    secret: box.open(doc.secret_sealed, sealContext.inventorySecret(doc.method, doc.serial)),
    data: JSON.parse(doc.data) as Record<string, unknown>,
    counter: doc.last_step ?? null,
    accountId: doc.account_id ?? null,
    importedAt: doc.imported_at,
  });

  return {
    async add(tokens) {
      if (!tokens.length) return;
      const conflict = (token: { method: string; serial: string }) => new StoreConflictError(`${token.method} token '${token.serial}'`);
      const seen = new Set<string>();
      for (const token of tokens) {
        const key = `${token.method}\n${token.serial}`;
        if (seen.has(key)) throw conflict(token);
        seen.add(key);
      }
      // Without a multi-document transaction, all or nothing is: check everything first, then
      // insert; should a racing import win a serial meanwhile (the unique index refuses ours),
      // delete what this call inserted, by the ids it chose, and refuse the whole batch.
      for (const method of new Set(tokens.map((t) => t.method))) {
        const serials = tokens.filter((t) => t.method === method).map((t) => t.serial);
        const taken = (await inventory.findOne({ method, serial: ours({ $in: serials }) }).lean<InventoryDoc>())?.serial
          ?? (await credentials.findOne({ method, external_id: ours({ $in: serials }) }).lean<{ external_id: string }>())?.external_id;
        if (taken !== undefined) throw conflict({ method, serial: taken });
      }
      const importedAt = now();
      const docs: InventoryDoc[] = tokens.map((token) => ({
        _id: randomUUID(), method: token.method, serial: token.serial,
        secret_sealed: box.seal(token.secret, sealContext.inventorySecret(token.method, token.serial)),
        data: JSON.stringify(token.data), last_step: token.counter, account_id: token.accountId, imported_at: importedAt,
      }));
      try {
        await inventory.insertMany(docs, { ordered: true });
      } catch (error) {
        await inventory.deleteMany({ _id: ours({ $in: docs.map((doc) => doc._id) }) });
        if (isDuplicateKey(error)) throw new StoreConflictError(`${tokens[0]!.method} token: a serial of this import was imported at the same time`);
        throw error;
      }
    },
    async get(method, serial) {
      const doc = await inventory.findOne({ method, serial }).lean<InventoryDoc>();
      return doc ? toToken(doc) : undefined;
    },
    async list(method) {
      return (await inventory.find({ method }).sort({ serial: 1 }).lean<InventoryDoc[]>()).map(toToken);
    },
    async assignedTo(method, accountId) {
      return (await inventory.find({ method, account_id: accountId }).sort({ serial: 1 }).lean<InventoryDoc[]>()).map(toToken);
    },
    async assign(method, serial, accountId) {
      return (await inventory.updateOne({ method, serial }, { $set: { account_id: accountId } })).matchedCount === 1;
    },
    async take(method, serial, accountId) {
      // One conditional delete: of racing activations (on any node), one removes the document.
      const doc = await inventory.findOneAndDelete({ method, serial, account_id: accountId }).lean<InventoryDoc>();
      return doc ? toToken(doc) : undefined;
    },
  };
}
