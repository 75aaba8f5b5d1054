// oidc-provider's models in one collection keyed by (model, id), with expiry honoured on read.
import { keptGrants } from '../keptGrants.js';
import type { EndSessionsOptions, OidcAdapter, OidcPayload } from '../types.js';
import { ours } from './connection.js';
import type { Models } from './models.js';

/** The models that carry an account's sign-in: its sessions and what was issued under them. */
export const accountModels = ['Session', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode'];

export interface PayloadDoc {
  model: string;
  id: string;
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  account_id: string | null;
  expiresAt: Date | null;
  consumed_at: number | null;
}

export const accountOf = (model: string, payload: OidcPayload) =>
  accountModels.includes(model) && typeof payload.accountId === 'string' ? payload.accountId : null;

export function mongoOidcAdapters(models: Models, now: () => number) {
  const { oidcPayloads: payloads } = models;
  // A TTL deletion may not have run yet: past-expiry documents are treated as gone.
  const live = () => ({ $or: [{ expiresAt: null }, { expiresAt: ours({ $gt: new Date(now()) }) }] });
  const toPayload = (doc: PayloadDoc | null): OidcPayload | undefined => {
    if (!doc) return undefined;
    const payload = JSON.parse(doc.payload) as OidcPayload;
    return doc.consumed_at === null || doc.consumed_at === undefined ? payload : { ...payload, consumed: doc.consumed_at };
  };

  return (model: string): OidcAdapter => ({
    async upsert(id, { consumed, ...payload }, expiresIn) {
      await payloads.updateOne(
        { model, id },
        {
          $set: {
            payload: JSON.stringify(payload), grant_id: payload.grantId ?? null, user_code: payload.userCode ?? null, uid: payload.uid ?? null,
            account_id: accountOf(model, payload), expiresAt: expiresIn ? new Date(now() + expiresIn * 1000) : null,
          },
          $setOnInsert: { consumed_at: consumed ?? null },
        },
        { upsert: true },
      );
      // A re-saved model keeps its consumed mark: consumption is one-way, so it is only ever
      // written where none is.
      if (consumed !== undefined && consumed !== null) await payloads.updateOne({ model, id, consumed_at: null }, { $set: { consumed_at: consumed } });
    },
    async find(id) {
      return toPayload(await payloads.findOne({ model, id, ...live() }).lean<PayloadDoc>());
    },
    async findByUserCode(userCode) {
      return toPayload(await payloads.findOne({ model, user_code: userCode, ...live() }).lean<PayloadDoc>());
    },
    async findByUid(uid) {
      return toPayload(await payloads.findOne({ model, uid, ...live() }).lean<PayloadDoc>());
    },
    async consume(id) {
      await payloads.updateOne({ model, id }, { $set: { consumed_at: Math.floor(now() / 1000) } });
    },
    async destroy(id) {
      await payloads.deleteOne({ model, id });
    },
    async revokeByGrantId(grantId) {
      await payloads.deleteMany({ model, grant_id: grantId });
    },
  });
}

export function mongoEndAccountSessions(models: Models) {
  return async (accountId: string, { keepSessionUid: keep }: EndSessionsOptions = {}): Promise<number> => {
    if (!keep) return (await models.oidcPayloads.deleteMany({ model: ours({ $in: accountModels }), account_id: accountId })).deletedCount;
    // Everything but the kept Session, its Grants and what was issued under them (by grant id).
    const session = await models.oidcPayloads.findOne({ model: 'Session', uid: keep }).lean<PayloadDoc>();
    const grants = keptGrants(session ? (JSON.parse(session.payload) as OidcPayload) : undefined, accountId);
    return (await models.oidcPayloads.deleteMany({
      model: ours({ $in: accountModels }), account_id: accountId,
      $nor: [{ model: 'Session', uid: keep }, { model: 'Grant', id: ours({ $in: grants }) }, { model: ours({ $ne: 'Grant' }), grant_id: ours({ $in: grants }) }],
    })).deletedCount;
  };
}
