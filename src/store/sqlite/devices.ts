import { randomUUID } from 'node:crypto';
import type { DeviceStore, EnrollmentSkipStore, RememberedDevice } from '../types.js';
import type { Db } from './database.js';

interface DeviceRow {
  id: string;
  account_id: string;
  token_hash: string;
  method: string;
  label: string;
  created_at: number;
  expires_at: number;
  methods_version: number;
  last_used_at: number | null;
}

const toDevice = (row: DeviceRow): RememberedDevice => ({
  id: row.id,
  accountId: row.account_id,
  tokenHash: row.token_hash,
  method: row.method,
  label: row.label,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  methodsVersion: row.methods_version,
  lastUsedAt: row.last_used_at,
});

export function sqliteDevices(db: Db, now: () => number): DeviceStore {
  return {
    async add(device) {
      const id = randomUUID();
      db.prepare(`INSERT INTO remembered_devices (id, account_id, token_hash, method, label, created_at, expires_at, methods_version)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(id, device.accountId, device.tokenHash, device.method, device.label, device.createdAt, device.expiresAt, device.methodsVersion);
      return { ...device, id, lastUsedAt: null };
    },
    async findByTokenHash(tokenHash) {
      const row = db.prepare('SELECT * FROM remembered_devices WHERE token_hash = ? AND expires_at > ?').get(tokenHash, now()) as DeviceRow | undefined;
      return row && toDevice(row);
    },
    async list(accountId) {
      return (db.prepare('SELECT * FROM remembered_devices WHERE account_id = ? AND expires_at > ? ORDER BY created_at').all(accountId, now()) as DeviceRow[]).map(toDevice);
    },
    async touch(id, at) {
      db.prepare('UPDATE remembered_devices SET last_used_at = ? WHERE id = ?').run(at, id);
    },
    async remove(accountId, id) {
      return db.prepare('DELETE FROM remembered_devices WHERE id = ? AND account_id = ?').run(id, accountId).changes === 1;
    },
    async removeAll(accountId) {
      return db.prepare('DELETE FROM remembered_devices WHERE account_id = ?').run(accountId).changes;
    },
  };
}

export function sqliteEnrollmentSkips(db: Db): EnrollmentSkipStore {
  return {
    async record(accountId, loginTs) {
      db.prepare(`INSERT INTO enrollment_skips (account_id, login_ts) VALUES (?, ?)
        ON CONFLICT (account_id) DO UPDATE SET login_ts = excluded.login_ts`).run(accountId, loginTs);
    },
    async matches(accountId, loginTs) {
      return (db.prepare('SELECT login_ts FROM enrollment_skips WHERE account_id = ?').get(accountId) as { login_ts: number } | undefined)?.login_ts === loginTs;
    },
  };
}
