// The embedded default store: one SQLite file for everything.
import type { SecretBox } from '../../crypto/secretBox.js';
import type { Store } from '../types.js';
import { sqliteAccounts } from './accounts.js';
import { sqliteAppPasswords } from './appPasswords.js';
import { sqliteEndAccountSessions } from './accountSessions.js';
import { sqliteAttempts } from './attempts.js';
import { sqliteAudit } from './audit.js';
import { sqliteAuditSearch } from './auditSearch.js';
import { sqliteChallenges } from './challenges.js';
import { sqliteClients } from './clients.js';
import { sqliteCredentials } from './credentials.js';
import { sqliteDevices, sqliteEnrollmentSkips } from './devices.js';
import { openDatabase } from './database.js';
import { sqliteFraud } from './fraud.js';
import { sqliteOidcAdapters } from './oidcAdapter.js';
import { sqlitePhone } from './phone.js';
import { sqliteTransfer } from '../transfer/sqliteTransfer.js';
import type { StoreTransfer } from '../transfer/types.js';
import { sqlitePush } from './push.js';
import { resealSqlite } from './reseal.js';
import { sqliteTokenInventory } from './tokenInventory.js';

export interface SqliteStoreOptions {
  file: string;
  box: SecretBox;
  now?: () => number;
}

export type SqliteStore = Store & { file: string; transfer(): StoreTransfer };

/** Opens (creating and migrating as needed) the SQLite file. Asynchronous like every adapter's
 * opening, though SQLite itself needs no wait. */
export async function openSqliteStore({ file, box, now = Date.now }: SqliteStoreOptions): Promise<SqliteStore> {
  const db = openDatabase(file);
  const sweeps = [
    db.prepare('DELETE FROM oidc_payloads WHERE expires_at <= @now'),
    db.prepare('DELETE FROM challenges WHERE expires_at <= @now'),
    db.prepare('DELETE FROM remembered_devices WHERE expires_at <= @now'),
    // Attempts only feed the per-network window; a day is far longer than any window.
    db.prepare('DELETE FROM attempts WHERE at <= @now - 86400000'),
    // A call is settled or given up within minutes; the outbox is for looking at today's texts.
    db.prepare('DELETE FROM phone_calls WHERE created_at <= @now - 86400000'),
    db.prepare('DELETE FROM phone_texts WHERE created_at <= @now - 86400000'),
    // Usernames that do not exist are regulated too (see interactions/login.ts); without this,
    // spraying made-up names would add rows for ever. Real accounts keep their count.
    db.prepare("DELETE FROM regulation WHERE subject LIKE 'password:unknown:%' AND permanent = 0 AND updated_at <= @now - 86400000 AND (locked_until IS NULL OR locked_until <= @now)"),
  ];
  const push = sqlitePush(db, box, now);
  return {
    file,
    transfer: () => sqliteTransfer(db),
    accounts: sqliteAccounts(db, box, now),
    clients: sqliteClients(db, box),
    credentials: sqliteCredentials(db, box, now),
    challenges: sqliteChallenges(db, box, now),
    attempts: sqliteAttempts(db, now),
    devices: sqliteDevices(db, now),
    enrollmentSkips: sqliteEnrollmentSkips(db),
    audit: { ...sqliteAudit(db), search: sqliteAuditSearch(db) },
    phone: sqlitePhone(db, box),
    fraud: sqliteFraud(db),
    tokens: sqliteTokenInventory(db, box, now),
    appPasswords: sqliteAppPasswords(db, now),
    push: push.store,
    oidc: sqliteOidcAdapters(db, now),
    endAccountSessions: sqliteEndAccountSessions(db),
    resealSecrets: async (options) => resealSqlite(db, box, options),
    async sweep() {
      const at = now();
      for (const sweep of sweeps) sweep.run({ now: at });
      push.sweep(at);
    },
    async close() {
      db.close();
    },
  };
}
