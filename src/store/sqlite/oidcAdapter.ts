// oidc-provider's models in one table keyed by (model, id), with expiry honoured on read.
import type { OidcAdapter, OidcPayload } from '../types.js';
import type { Db } from './database.js';

interface PayloadRow {
  payload: string;
  consumed_at: number | null;
}

export function sqliteOidcAdapters(db: Db, now: () => number) {
  // A re-saved model keeps its consumed mark: consumption is one-way.
  const upsert = db.prepare(`INSERT INTO oidc_payloads (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
    VALUES (@model, @id, @payload, @grantId, @userCode, @uid, @expiresAt, @consumed)
    ON CONFLICT (model, id) DO UPDATE SET payload = excluded.payload, grant_id = excluded.grant_id,
      user_code = excluded.user_code, uid = excluded.uid, expires_at = excluded.expires_at,
      consumed_at = COALESCE(oidc_payloads.consumed_at, excluded.consumed_at)`);
  const live = '(expires_at IS NULL OR expires_at > @now)';
  const findBy = (column: 'id' | 'user_code' | 'uid') =>
    db.prepare(`SELECT payload, consumed_at FROM oidc_payloads WHERE model = @model AND ${column} = @value AND ${live}`);
  const byId = findBy('id');
  const byUserCode = findBy('user_code');
  const byUid = findBy('uid');
  const consume = db.prepare('UPDATE oidc_payloads SET consumed_at = @at WHERE model = @model AND id = @id');
  const destroy = db.prepare('DELETE FROM oidc_payloads WHERE model = @model AND id = @id');
  const revoke = db.prepare('DELETE FROM oidc_payloads WHERE model = @model AND grant_id = @grantId');

  const toPayload = (row: PayloadRow | undefined): OidcPayload | undefined => {
    if (!row) return undefined;
    const payload = JSON.parse(row.payload) as OidcPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: row.consumed_at };
  };

  return (model: string): OidcAdapter => ({
    async upsert(id, { consumed, ...payload }, expiresIn) {
      upsert.run({
        model,
        id,
        payload: JSON.stringify(payload),
        consumed: consumed ?? null,
        grantId: payload.grantId ?? null,
        userCode: payload.userCode ?? null,
        uid: payload.uid ?? null,
        expiresAt: expiresIn ? now() + expiresIn * 1000 : null,
      });
    },
    async find(id) {
      return toPayload(byId.get({ model, value: id, now: now() }) as PayloadRow | undefined);
    },
    async findByUserCode(userCode) {
      return toPayload(byUserCode.get({ model, value: userCode, now: now() }) as PayloadRow | undefined);
    },
    async findByUid(uid) {
      return toPayload(byUid.get({ model, value: uid, now: now() }) as PayloadRow | undefined);
    },
    async consume(id) {
      consume.run({ model, id, at: Math.floor(now() / 1000) });
    },
    async destroy(id) {
      destroy.run({ model, id });
    },
    async revokeByGrantId(grantId) {
      revoke.run({ model, grantId });
    },
  });
}
