// SQLite's side of `twofold db export`/`import`: the tables as they are.
import type { Db } from '../sqlite/database.js';
import { migrations } from '../sqlite/migrations.js';
import { type Row, type StoreTransfer, transferColumns, transferTables } from './types.js';

export function sqliteTransfer(db: Db): StoreTransfer {
  return {
    rowsVersion: migrations.at(-1)!.version,
    async *rows(table) {
      // Rowid order keeps the audit log and the outbox in the order they were written.
      yield* db.prepare(`SELECT * FROM ${table}`).iterate() as IterableIterator<Row>;
    },
    async isEmpty() {
      return transferTables.every((table) => !db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get());
    },
    async load(tables) {
      db.transaction(() => {
        for (const table of transferTables) {
          const rows = tables.get(table) ?? [];
          // Column names come from the fixed list, never from the file being imported.
          const known = transferColumns[table];
          for (const row of rows) {
            const names = known.filter((name) => name in row);
            db.prepare(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`).run(
              Object.fromEntries(names.map((name) => [name, row[name]])),
            );
          }
        }
      })();
    },
  };
}

