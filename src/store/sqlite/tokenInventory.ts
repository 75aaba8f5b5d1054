// Hardware tokens between their import and their activation. A serial is unique per method
// across the inventory and the credentials, checked inside the import's transaction.
import type { SecretBox } from '../../crypto/secretBox.js';
import { type InventoryToken, sealContext, StoreConflictError, type TokenInventoryStore } from '../types.js';
import type { Db } from './database.js';
import type { InventoryRow } from '../rows.js';

export function sqliteTokenInventory(db: Db, box: SecretBox, now: () => number): TokenInventoryStore {
  const toToken = (row: InventoryRow): InventoryToken => ({
    method: row.method,
    serial: row.serial,
    secret: box.open(row.secret_sealed, sealContext.inventorySecret(row.method, row.serial)),
    data: JSON.parse(row.data) as Record<string, unknown>,
    counter: row.last_step,
    accountId: row.account_id,
    importedAt: row.imported_at,
  });
  const byKey = db.prepare('SELECT * FROM token_inventory WHERE method = ? AND serial = ?');
  const byMethod = db.prepare('SELECT * FROM token_inventory WHERE method = ? ORDER BY serial');
  const byAccount = db.prepare('SELECT * FROM token_inventory WHERE method = ? AND account_id = ? ORDER BY serial');
  const activated = db.prepare('SELECT 1 FROM credentials WHERE method = ? AND external_id = ?');
  const insert = db.prepare(`INSERT INTO token_inventory (method, serial, secret_sealed, data, last_step, account_id, imported_at)
    VALUES (@method, @serial, @secretSealed, @data, @lastStep, @accountId, @importedAt)`);
  const setAccount = db.prepare('UPDATE token_inventory SET account_id = ? WHERE method = ? AND serial = ?');
  const takeOne = db.prepare('DELETE FROM token_inventory WHERE method = ? AND serial = ? AND account_id = ? RETURNING *');

  const addAll = db.transaction((rows: Record<string, unknown>[]) => {
    for (const row of rows) {
      const taken = byKey.get(row.method, row.serial) || activated.get(row.method, row.serial);
      if (taken) throw new StoreConflictError(`${row.method as string} token '${row.serial as string}'`);
      insert.run(row);
    }
  });

  return {
    async add(tokens) {
      const importedAt = now();
      addAll(tokens.map((token) => ({
        method: token.method,
        serial: token.serial,
        secretSealed: box.seal(token.secret, sealContext.inventorySecret(token.method, token.serial)),
        data: JSON.stringify(token.data),
        lastStep: token.counter,
        accountId: token.accountId,
        importedAt,
      })));
    },
    async get(method, serial) {
      const row = byKey.get(method, serial) as InventoryRow | undefined;
      return row && toToken(row);
    },
    async list(method) {
      return (byMethod.all(method) as InventoryRow[]).map(toToken);
    },
    async assignedTo(method, accountId) {
      return (byAccount.all(method, accountId) as InventoryRow[]).map(toToken);
    },
    async assign(method, serial, accountId) {
      return setAccount.run(accountId, method, serial).changes === 1;
    },
    async take(method, serial, accountId) {
      // One statement: of racing activations, one deletes the row and the others find nothing.
      const row = takeOne.get(method, serial, accountId) as InventoryRow | undefined;
      return row && toToken(row);
    },
  };
}
