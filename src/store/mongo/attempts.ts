// Regulation state per subject and the attempts it counts.
import { type AttemptStore, freshRegulationState, type RegulationState } from '../types.js';
import { settleInSequence } from '../settleInSequence.js';
import { mongoAudit } from './audit.js';
import { ours } from './connection.js';
import { isDuplicateKey } from './errors.js';
import type { Models } from './models.js';

export interface RegulationDoc {
  _id: string;
  failures: number;
  locks: number;
  locked_until: number | null;
  permanent: boolean;
  updated_at: number;
  revision: number;
}

/** Attempts are kept a day: far longer than any window they feed. */
export const attemptLifetime = 86_400_000;

/** How many times `update` re-reads after losing a race before it gives up. */
const maxRetries = 100;

export function mongoAttempts(models: Models, now: () => number): AttemptStore {
  const { regulation, attempts } = models;
  const toState = (doc: RegulationDoc | null): RegulationState =>
    doc ? { failures: doc.failures, locks: doc.locks, lockedUntil: doc.locked_until ?? null, permanent: doc.permanent === true } : { ...freshRegulationState };

  const auditLog = mongoAudit(models);
  const store: AttemptStore = {
    async get(subject) {
      return toState(await regulation.findById(subject).lean<RegulationDoc>());
    },
    async update(subject, change) {
      // Optimistic compare-and-set on `revision`: read, compute, write only if nobody wrote in
      // between; a loser reads again and re-applies its pure change (as the interface allows).
      for (let attempt = 0; attempt < maxRetries; attempt++) {
        const doc = await regulation.findById(subject).lean<RegulationDoc>();
        const next = change(toState(doc));
        const fields = { failures: next.failures, locks: next.locks, locked_until: next.lockedUntil, permanent: next.permanent, updated_at: now() };
        if (!doc) {
          try {
            await regulation.create({ _id: subject, ...fields, revision: 0 });
            return next;
          } catch (error) {
            if (isDuplicateKey(error)) continue;
            throw error;
          }
        }
        const result = await regulation.updateOne({ _id: subject, revision: doc.revision }, { $set: fields, $inc: { revision: 1 } });
        if (result.modifiedCount === 1) return next;
      }
      throw new Error(`regulation state of '${subject}' kept changing under ${maxRetries} attempts to update it`);
    },
    async reset(subject) {
      await regulation.deleteOne({ _id: subject });
    },
    async recordAttempt({ subject, network, ok, at }) {
      await attempts.create({ subject, network, ok, at, expiresAt: new Date(at + attemptLifetime) });
    },
    async attemptTimes(subject, since) {
      const docs = await attempts.find({ subject, at: ours({ $gt: since }) }, { at: 1 }).sort({ at: 1 }).lean<{ at: number }[]>();
      return docs.map((doc) => doc.at);
    },
    async failuresFromNetwork(network, since) {
      return attempts.countDocuments({ network, ok: false, at: ours({ $gt: since }) });
    },
    settle: (outcome) => settleInSequence(store, auditLog, outcome),
  };
  return store;
}
