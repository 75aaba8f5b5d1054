// The authenticator app's activations and push requests. Activating, answering and using an
// answer up are each one conditional update, so racing devices or racing sign-in pages on any
// number of nodes get one winner. Secrets are sealed with the SQLite adapter's contexts.
import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type PushStore, type PushSubscription, sealContext } from '../types.js';
import { ours } from './connection.js';
import { orderedId } from './ids.js';
import type { Models } from './models.js';
import { type Keyed, type PushActivationRow, type PushChallengeRow, readPushActivation, readPushChallenge } from '../rows.js';

export type ActivationDoc = Keyed<PushActivationRow> & {
  code_hash: string;
  finished_at: number | null;
  /** When the document is deleted (a day after `expires_at`, as SQLite's sweep does). */
  expiresAt: Date;
};

export type PushChallengeDoc = Keyed<PushChallengeRow> & {
  expiresAt: Date;
  /** Creation order where two requests share a millisecond (SQLite's rowid); the id stays random. */
  seq: string;
};

export interface SubscriptionDoc {
  _id: string;
  account_id: string;
  subscription_sealed: string;
}

/** Kept a day after they end: the push-bombing window and the app's history look back less. */
export const pushKeepFor = 86_400_000;

export function mongoPush(models: Models, box: SecretBox, now: () => number, watchRequests: PushStore['watchRequests']): PushStore {
  const { pushActivations: activations, pushChallenges: challenges, pushSubscriptions: subscriptions } = models;
  // Documents past their deletion time are gone for every read, whenever MongoDB's TTL gets to them.
  const kept = () => ({ expiresAt: ours({ $gt: new Date(now()) }) });
  const toActivation = ({ _id, ...doc }: ActivationDoc) => readPushActivation({ ...doc, id: _id }, box);
  const toChallenge = ({ _id, ...doc }: PushChallengeDoc) => readPushChallenge({ ...doc, id: _id }, box);

  return {
    async addActivation({ accountId, username, codeHash, totpSecret, confirmation, expiresAt }) {
      const id = randomUUID();
      const doc: ActivationDoc = {
        _id: id, account_id: accountId, username, code_hash: codeHash,
        secrets_sealed: box.seal(JSON.stringify({ totp: totpSecret, confirmation }), sealContext.pushActivation(id, accountId)),
        device_id: null, device_key: null, device_name: null, activated_at: null, finished_at: null,
        created_at: now(), expires_at: expiresAt, expiresAt: new Date(expiresAt + pushKeepFor),
      };
      await activations.create(doc);
      return toActivation(doc);
    },
    async getActivation(id) {
      const doc = await activations.findOne({ _id: id, ...kept() }).lean<ActivationDoc>();
      return doc ? toActivation(doc) : undefined;
    },
    async activate(codeHash, device, at) {
      // One conditional update: of racing devices, the first finds no device bound and binds its own.
      const doc = await activations.findOneAndUpdate(
        { code_hash: codeHash, device_id: null, finished_at: null, expires_at: ours({ $gt: at }) },
        { $set: { device_id: device.deviceId, device_key: JSON.stringify(device.publicKey), device_name: device.name, activated_at: at } },
        { returnDocument: 'after' },
      ).lean<ActivationDoc>();
      return doc ? toActivation(doc) : undefined;
    },
    async finishActivation(id) {
      return (await activations.updateOne({ _id: id, finished_at: null }, { $set: { finished_at: now() } })).modifiedCount === 1;
    },
    async addChallenge(input) {
      const id = randomUUID();
      const doc: PushChallengeDoc = {
        _id: id, account_id: input.accountId, purpose: input.purpose,
        number_sealed: box.seal(input.number, sealContext.pushChallenge(id, input.accountId)),
        context: JSON.stringify(input.context), status: 'pending', answered_by: null, answered_at: null, taken_at: null,
        created_at: input.createdAt, expires_at: input.expiresAt, expiresAt: new Date(input.expiresAt + pushKeepFor), seq: orderedId(),
      };
      await challenges.create(doc);
      return toChallenge(doc);
    },
    async getChallenge(id) {
      const doc = await challenges.findOne({ _id: id, ...kept() }).lean<PushChallengeDoc>();
      return doc ? toChallenge(doc) : undefined;
    },
    async pending(accountId, at) {
      const docs = await challenges.find({ account_id: accountId, status: 'pending', expires_at: ours({ $gt: at }) }).sort({ created_at: 1, seq: 1 }).lean<PushChallengeDoc[]>();
      return docs.map(toChallenge);
    },
    async answer(id, { status, deviceId }, at) {
      // One conditional update: one answer per request, only while it is pending and unexpired.
      const result = await challenges.updateOne({ _id: id, status: 'pending', expires_at: ours({ $gt: at }) }, { $set: { status, answered_by: deviceId, answered_at: at } });
      return result.modifiedCount === 1;
    },
    async take(id, at) {
      const result = await challenges.updateOne({ _id: id, status: ours({ $ne: 'pending' }), taken_at: null }, { $set: { taken_at: at } });
      return result.modifiedCount === 1;
    },
    async unansweredOrDenied(accountId, since) {
      const docs = await challenges
        .find({ account_id: accountId, created_at: ours({ $gt: since }), status: ours({ $in: ['pending', 'denied', 'wrong_number', 'fraud'] }), ...kept() }, { created_at: 1 })
        .sort({ created_at: 1, seq: 1 })
        .lean<{ created_at: number }[]>();
      return docs.map((doc) => doc.created_at);
    },
    async saveSubscription({ deviceId, accountId, endpoint, p256dh, auth }) {
      const sealed = box.seal(JSON.stringify({ endpoint, p256dh, auth }), sealContext.pushSubscription(deviceId, accountId));
      await subscriptions.updateOne({ _id: deviceId }, { $set: { account_id: accountId, subscription_sealed: sealed } }, { upsert: true });
    },
    async subscriptions(accountId) {
      return (await subscriptions.find({ account_id: accountId }).lean<SubscriptionDoc[]>()).map((doc) => ({
        deviceId: doc._id, accountId: doc.account_id,
        ...(JSON.parse(box.open(doc.subscription_sealed, sealContext.pushSubscription(doc._id, doc.account_id))) as Pick<PushSubscription, 'endpoint' | 'p256dh' | 'auth'>),
      }));
    },
    async removeSubscription(deviceId) {
      await subscriptions.deleteOne({ _id: deviceId });
    },
    // A change stream where the deployment has one, else polling (see pushWatch.ts).
    watchRequests,
  };
}
