// Per-interaction sign-in state, encrypted as a whole; `take` is one findOneAndDelete.
import type { SecretBox } from '../../crypto/secretBox.js';
import { type ChallengeStore, sealContext } from '../types.js';
import { ours } from './connection.js';
import type { Models } from './models.js';

export interface ChallengeDoc {
  _id: string;
  account_id: string;
  data_sealed: string;
  expiresAt: Date;
}

export function mongoChallenges(models: Models, box: SecretBox, now: () => number): ChallengeStore {
  const { challenges } = models;
  // TTL deletion lags: a document past its time is ignored as if it were gone.
  const live = (uid: string) => ({ _id: uid, expiresAt: ours({ $gt: new Date(now()) }) });
  const open = (uid: string, doc: ChallengeDoc | null) =>
    doc ? { accountId: doc.account_id, data: JSON.parse(box.open(doc.data_sealed, sealContext.challenge(uid, doc.account_id))) as Record<string, unknown> } : undefined;

  return {
    async put(uid, accountId, data, ttlSeconds) {
      const set = { account_id: accountId, data_sealed: box.seal(JSON.stringify(data), sealContext.challenge(uid, accountId)), expiresAt: new Date(now() + ttlSeconds * 1000) };
      await challenges.updateOne({ _id: uid }, { $set: set }, { upsert: true });
    },
    async get(uid) {
      return open(uid, await challenges.findOne(live(uid)).lean<ChallengeDoc>());
    },
    async take(uid) {
      // Removes and returns in one operation: of racing takers, exactly one receives it.
      return open(uid, await challenges.findOneAndDelete(live(uid)).lean<ChallengeDoc>());
    },
    async delete(uid) {
      await challenges.deleteOne({ _id: uid });
    },
  };
}
