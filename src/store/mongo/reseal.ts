// `twofold keys rotate` on MongoDB: every sealed field, re-encrypted under the current key a
// page at a time. Each value is replaced by one conditional update (atomic per document, no
// multi-document transaction needed): a value the running servers sealed again meanwhile is
// left alone, and only values under another key are picked, so a stopped run resumes.
import type { SecretBox } from '../../crypto/secretBox.js';
import { columnContext } from '../sqlite/phone.js';
import { type ResealReport, sealContext } from '../types.js';
import { ours } from './connection.js';
import type { Models } from './models.js';

type Doc = Record<string, string> & { _id: string };

interface SealedField {
  /** The same names as SQLite's report (`accounts.phone`). */
  name: string;
  model: keyof Models;
  field: string;
  context(doc: Doc): string;
}

const sealed = (name: string, model: keyof Models, field: string, context: (doc: Doc) => string): SealedField => ({ name, model, field, context });

export const sealedFields: SealedField[] = [
  sealed('accounts.phone', 'accounts', 'phone_sealed', (d) => sealContext.accountPhone(d._id)),
  sealed('clients.secret', 'clients', 'secret_sealed', (d) => sealContext.clientSecret(d._id)),
  sealed('credentials.secret', 'credentials', 'secret_sealed', (d) => sealContext.credentialSecret(d._id, d.account_id!)),
  sealed('token_inventory.secret', 'tokenInventory', 'secret_sealed', (d) => sealContext.inventorySecret(d.method!, d.serial!)),
  sealed('challenges.data', 'challenges', 'data_sealed', (d) => sealContext.challenge(d._id, d.account_id!)),
  sealed('phone_calls.to', 'phoneCalls', 'to_sealed', (d) => columnContext(sealContext.phoneCall(d._id), 'to')),
  sealed('phone_calls.extension', 'phoneCalls', 'extension_sealed', (d) => columnContext(sealContext.phoneCall(d._id), 'extension')),
  sealed('phone_calls.keys', 'phoneCalls', 'keys_sealed', (d) => columnContext(sealContext.phoneCall(d._id), 'keys')),
  sealed('phone_texts.to', 'phoneTexts', 'to_sealed', (d) => columnContext(sealContext.phoneText(d._id), 'to')),
  sealed('phone_texts.body', 'phoneTexts', 'body_sealed', (d) => columnContext(sealContext.phoneText(d._id), 'body')),
  sealed('push_activations.secrets', 'pushActivations', 'secrets_sealed', (d) => sealContext.pushActivation(d._id, d.account_id!)),
  sealed('push_challenges.number', 'pushChallenges', 'number_sealed', (d) => sealContext.pushChallenge(d._id, d.account_id!)),
  sealed('push_subscriptions.subscription', 'pushSubscriptions', 'subscription_sealed', (d) => sealContext.pushSubscription(d._id, d.account_id!)),
];

export async function resealMongo(models: Models, box: SecretBox, { batch = 500 }: { batch?: number } = {}): Promise<ResealReport> {
  const report: ResealReport = { columns: [] };
  for (const { name, model, field, context } of sealedFields) {
    const counts = { name, resealed: 0, current: 0, unreadable: 0 };
    const collection = models[model] as unknown as {
      find(filter: object): { sort(order: object): { limit(n: number): { lean<T>(): Promise<T> } } };
      updateOne(filter: object, update: object): Promise<{ modifiedCount: number }>;
    };
    let last: string | undefined;
    for (;;) {
      const filter = { [field]: ours({ $type: 'string' }), ...(last === undefined ? {} : { _id: ours({ $gt: last }) }) };
      const docs = await collection.find(filter).sort({ _id: 1 }).limit(batch).lean<Doc[]>();
      if (!docs.length) break;
      for (const doc of docs) {
        const value = doc[field]!;
        if (box.isCurrent(value)) {
          counts.current++;
          continue;
        }
        let plaintext: string;
        try {
          plaintext = box.open(value, context(doc));
        } catch {
          counts.unreadable++;
          continue;
        }
        counts.resealed += (await collection.updateOne({ _id: doc._id, [field]: value }, { $set: { [field]: box.seal(plaintext, context(doc)) } })).modifiedCount;
      }
      last = docs.at(-1)!._id;
    }
    report.columns.push(counts);
  }
  return report;
}
