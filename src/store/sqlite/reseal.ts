// `twofold keys rotate` on SQLite: every sealed column, re-encrypted under the current key a
// batch at a time, each batch in one transaction. Only values sealed under another key are
// picked, so a run that is stopped part way resumes where it stopped, and running it again
// when everything is current changes nothing.
import type { SecretBox } from '../../crypto/secretBox.js';
import { type ResealReport, sealContext } from '../types.js';
import type { Db } from './database.js';
import { columnContext } from './phone.js';

type Row = Record<string, string>;

interface SealedColumn {
  /** `table.column` as the report names it. */
  name: string;
  table: string;
  column: string;
  /** The row's primary key (the context is built from these and `extra`). */
  key: string[];
  extra: string[];
  context(row: Row): string;
}

const sealed = (table: string, column: string, [key, extra = []]: [string[], string[]?], context: (row: Row) => string): SealedColumn => ({ name: `${table}.${column.replace(/_sealed$/, '')}`, table, column, key, extra, context });

// Every encrypted column and the context it is bound to (the same as each repository's).
export const sealedColumns: SealedColumn[] = [
  sealed('accounts', 'phone_sealed', [['id']], (r) => sealContext.accountPhone(r.id!)),
  sealed('clients', 'secret_sealed', [['client_id']], (r) => sealContext.clientSecret(r.client_id!)),
  sealed('credentials', 'secret_sealed', [['id'], ['account_id']], (r) => sealContext.credentialSecret(r.id!, r.account_id!)),
  sealed('token_inventory', 'secret_sealed', [['method', 'serial']], (r) => sealContext.inventorySecret(r.method!, r.serial!)),
  sealed('challenges', 'data_sealed', [['uid'], ['account_id']], (r) => sealContext.challenge(r.uid!, r.account_id!)),
  sealed('phone_calls', 'to_sealed', [['id']], (r) => columnContext(sealContext.phoneCall(r.id!), 'to')),
  sealed('phone_calls', 'extension_sealed', [['id']], (r) => columnContext(sealContext.phoneCall(r.id!), 'extension')),
  sealed('phone_calls', 'keys_sealed', [['id']], (r) => columnContext(sealContext.phoneCall(r.id!), 'keys')),
  sealed('phone_texts', 'to_sealed', [['id']], (r) => columnContext(sealContext.phoneText(r.id!), 'to')),
  sealed('phone_texts', 'body_sealed', [['id']], (r) => columnContext(sealContext.phoneText(r.id!), 'body')),
  sealed('push_activations', 'secrets_sealed', [['id'], ['account_id']], (r) => sealContext.pushActivation(r.id!, r.account_id!)),
  sealed('push_challenges', 'number_sealed', [['id'], ['account_id']], (r) => sealContext.pushChallenge(r.id!, r.account_id!)),
  sealed('push_subscriptions', 'subscription_sealed', [['device_id'], ['account_id']], (r) => sealContext.pushSubscription(r.device_id!, r.account_id!)),
];

export function resealSqlite(db: Db, box: SecretBox, { batch = 500 }: { batch?: number } = {}): ResealReport {
  const report: ResealReport = { columns: [] };
  for (const column of sealedColumns) {
    const counts = { name: column.name, resealed: 0, current: 0, unreadable: 0 };
    const key = column.key.join(', ');
    const keyMatch = column.key.map((name) => `${name} = ?`).join(' AND ');
    const columns = [...column.key, ...column.extra].join(', ');
    // Pages in primary-key order (some tables have no rowid), each after the last row of the one before.
    const firstPage = db.prepare(`SELECT ${columns}, ${column.column} AS sealed FROM ${column.table} WHERE ${column.column} IS NOT NULL ORDER BY ${key} LIMIT ?`);
    const nextPage = db.prepare(`SELECT ${columns}, ${column.column} AS sealed FROM ${column.table} WHERE ${column.column} IS NOT NULL AND (${key}) > (${column.key.map(() => '?').join(', ')}) ORDER BY ${key} LIMIT ?`);
    // Changed meanwhile by the running server (sealed again, under the current key): left alone.
    const update = db.prepare(`UPDATE ${column.table} SET ${column.column} = ? WHERE ${keyMatch} AND ${column.column} = ?`);
    let last: Row | undefined;
    for (;;) {
      const rows = (last ? nextPage.all(...column.key.map((name) => last![name]), batch) : firstPage.all(batch)) as (Row & { sealed: string })[];
      if (!rows.length) break;
      db.transaction(() => {
        for (const row of rows) {
          if (box.isCurrent(row.sealed)) {
            counts.current++;
            continue;
          }
          const context = column.context(row);
          let plaintext: string;
          try {
            plaintext = box.open(row.sealed, context);
          } catch {
            // Sealed under a key that is not configured (or damaged): reported, never guessed at.
            counts.unreadable++;
            continue;
          }
          counts.resealed += update.run(box.seal(plaintext, context), ...column.key.map((name) => row[name]), row.sealed).changes;
        }
      })();
      last = rows.at(-1);
    }
    report.columns.push(counts);
  }
  return report;
}
