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
  ip: string | null;
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
  ip: row.ip ?? null,
});

export function sqliteDevices(db: Db, now: () => number): DeviceStore {
  const insert = db.prepare(`INSERT INTO remembered_devices (id, account_id, token_hash, method, label, created_at, expires_at, methods_version, ip)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const byTokenHash = db.prepare('SELECT * FROM remembered_devices WHERE token_hash = ? AND expires_at > ?');
  const ofAccount = db.prepare('SELECT * FROM remembered_devices WHERE account_id = ? AND expires_at > ? ORDER BY created_at');
  const touch = db.prepare('UPDATE remembered_devices SET last_used_at = ?, ip = COALESCE(?, ip) WHERE id = ?');
  const removeOne = db.prepare('DELETE FROM remembered_devices WHERE id = ? AND account_id = ?');
  const removeAll = db.prepare('DELETE FROM remembered_devices WHERE account_id = ?');
  return {
    async add(device) {
      const id = randomUUID();
      const ip = device.ip ?? null;
      insert.run(id, device.accountId, device.tokenHash, device.method, device.label, device.createdAt, device.expiresAt, device.methodsVersion, ip);
      return { ...device, id, lastUsedAt: null, ip };
    },
    async findByTokenHash(tokenHash) {
      const row = byTokenHash.get(tokenHash, now()) as DeviceRow | undefined;
      return row && toDevice(row);
    },
    async list(accountId) {
      return (ofAccount.all(accountId, now()) as DeviceRow[]).map(toDevice);
    },
    async touch(id, at, ip) {
      touch.run(at, ip ?? null, id);
    },
    async remove(accountId, id) {
      return removeOne.run(id, accountId).changes === 1;
    },
    async removeAll(accountId) {
      return removeAll.run(accountId).changes;
    },
  };
}

export function sqliteEnrollmentSkips(db: Db): EnrollmentSkipStore {
  const upsert = db.prepare(`INSERT INTO enrollment_skips (account_id, login_ts) VALUES (?, ?)
    ON CONFLICT (account_id) DO UPDATE SET login_ts = excluded.login_ts`);
  const select = db.prepare('SELECT login_ts FROM enrollment_skips WHERE account_id = ?');
  return {
    async record(accountId, loginTs) {
      upsert.run(accountId, loginTs);
    },
    async matches(accountId, loginTs) {
      return (select.get(accountId) as { login_ts: number } | undefined)?.login_ts === loginTs;
    },
  };
}
