// The embedded default store: one SQLite file for everything.
import type { SecretBox } from '../../crypto/secretBox.js';
import type { Store } from '../types.js';
import { sqliteAccounts } from './accounts.js';
import { sqliteClients } from './clients.js';
import { openDatabase } from './database.js';
import { sqliteOidcAdapters } from './oidcAdapter.js';

export interface SqliteStoreOptions {
  file: string;
  box: SecretBox;
  now?: () => number;
}

export function openSqliteStore({ file, box, now = Date.now }: SqliteStoreOptions): Store & { file: string } {
  const db = openDatabase(file);
  const sweep = db.prepare('DELETE FROM oidc_payloads WHERE expires_at <= ?');
  return {
    file,
    accounts: sqliteAccounts(db, box, now),
    clients: sqliteClients(db, box),
    oidc: sqliteOidcAdapters(db, now),
    async sweep() {
      sweep.run(now());
    },
    async close() {
      db.close();
    },
  };
}
