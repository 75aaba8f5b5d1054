// Remembered devices (expiring through TTL, and ignored once past their time) and enrollment skips.
import type { DeviceStore, EnrollmentSkipStore, RememberedDevice } from '../types.js';
import { ours } from './connection.js';
import { orderedId } from './ids.js';
import type { Models } from './models.js';

export interface DeviceDoc {
  _id: string;
  account_id: string;
  token_hash: string;
  method: string;
  label: string;
  created_at: number;
  expiresAt: Date;
  methods_version: number;
  last_used_at: number | null;
  ip?: string | null;
}

const toDevice = (doc: DeviceDoc): RememberedDevice => ({
  id: doc._id,
  accountId: doc.account_id,
  tokenHash: doc.token_hash,
  method: doc.method,
  label: doc.label,
  createdAt: doc.created_at,
  expiresAt: doc.expiresAt.getTime(),
  methodsVersion: doc.methods_version,
  lastUsedAt: doc.last_used_at ?? null,
  ip: doc.ip ?? null,
});

export function mongoDevices(models: Models, now: () => number): DeviceStore {
  const { rememberedDevices: devices } = models;
  const unexpired = () => ours({ $gt: new Date(now()) });
  return {
    async add(device) {
      const id = orderedId();
      const ip = device.ip ?? null;
      await devices.create({
        _id: id, account_id: device.accountId, token_hash: device.tokenHash, method: device.method, label: device.label,
        created_at: device.createdAt, expiresAt: new Date(device.expiresAt), methods_version: device.methodsVersion, last_used_at: null, ip,
      } satisfies DeviceDoc);
      return { ...device, id, lastUsedAt: null, ip };
    },
    async findByTokenHash(tokenHash) {
      const doc = await devices.findOne({ token_hash: tokenHash, expiresAt: unexpired() }).lean<DeviceDoc>();
      return doc ? toDevice(doc) : undefined;
    },
    async list(accountId) {
      return (await devices.find({ account_id: accountId, expiresAt: unexpired() }).sort({ created_at: 1, _id: 1 }).lean<DeviceDoc[]>()).map(toDevice);
    },
    async touch(id, at, ip) {
      await devices.updateOne({ _id: id }, { $set: { last_used_at: at, ...(ip ? { ip } : {}) } });
    },
    async remove(accountId, id) {
      return (await devices.deleteOne({ _id: id, account_id: accountId })).deletedCount === 1;
    },
    async removeAll(accountId) {
      return (await devices.deleteMany({ account_id: accountId })).deletedCount;
    },
  };
}

export function mongoEnrollmentSkips(models: Models): EnrollmentSkipStore {
  const { enrollmentSkips } = models;
  return {
    async record(accountId, loginTs) {
      await enrollmentSkips.updateOne({ _id: accountId }, { $set: { login_ts: loginTs } }, { upsert: true });
    },
    async matches(accountId, loginTs) {
      return (await enrollmentSkips.findById(accountId).lean<{ login_ts: number }>())?.login_ts === loginTs;
    },
  };
}
