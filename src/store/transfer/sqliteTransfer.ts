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
    async transactionsUnavailable() {
      return null;
    },
    // Always one transaction: SQLite has them wherever it runs, and they cost nothing here.
    async load(tables) {
      const statements = new Map<string, ReturnType<Db['prepare']>>();
      db.transaction(() => {
        for (const table of transferTables) {
          for (const row of tables.get(table) ?? []) {
            // Column names come from the fixed list, never from the file being imported.
            const names = transferColumns[table].filter((name) => name in row);
            const sql = `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`;
            if (!statements.has(sql)) statements.set(sql, db.prepare(sql));
            statements.get(sql)!.run(Object.fromEntries(names.map((name) => [name, row[name]])));
          }
        }
      })();
    },
  };
}
