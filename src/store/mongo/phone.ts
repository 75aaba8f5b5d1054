// Calls placed and the development phone's outbox: numbers, keys pressed and texts sealed with
// the same contexts as SQLite, so sealed values move between the stores unchanged.
import type { SecretBox } from '../../crypto/secretBox.js';
import { type PhoneCall, type PhoneStore, type PhoneText, sealContext, StoreConflictError } from '../types.js';
import { columnContext } from '../sqlite/phone.js';
import { ours } from './connection.js';
import { isDuplicateKey } from './errors.js';
import { orderedId } from './ids.js';
import type { Models } from './models.js';
import type { CallRow, Keyed, TextRow } from '../rows.js';

export type CallDoc = Keyed<CallRow> & { expiresAt: Date };

export type TextDoc = Keyed<TextRow> & { expiresAt: Date };

/** A call is settled or given up within minutes; the outbox is for looking at today's texts. */
export const phoneLifetime = 86_400_000;

export function mongoPhone(models: Models, box: SecretBox, now: () => number): PhoneStore {
  const { phoneCalls: calls, phoneTexts: texts } = models;
  const live = () => ({ expiresAt: ours({ $gt: new Date(now()) }) });
  const toCall = (doc: CallDoc): PhoneCall => {
    const open = (sealed: string | null, column: string) => (sealed ? box.open(sealed, columnContext(sealContext.phoneCall(doc._id), column)) : null);
    return {
      id: doc._id, adapter: doc.adapter, externalId: doc.external_id ?? null, to: open(doc.to_sealed, 'to')!, extension: open(doc.extension_sealed, 'extension'),
      mode: doc.mode, script: doc.script, status: doc.status, keys: open(doc.keys_sealed, 'keys'), detail: doc.detail ?? null,
      createdAt: doc.created_at, settledAt: doc.settled_at ?? null,
    };
  };
  const toText = (doc: TextDoc): PhoneText => ({
    id: doc._id, adapter: doc.adapter, createdAt: doc.created_at,
    to: box.open(doc.to_sealed, columnContext(sealContext.phoneText(doc._id), 'to')),
    body: box.open(doc.body_sealed, columnContext(sealContext.phoneText(doc._id), 'body')),
  });

  return {
    async addCall({ adapter, to, extension = null, mode, script, at }) {
      const id = orderedId();
      const seal = (value: string, column: string) => box.seal(value, columnContext(sealContext.phoneCall(id), column));
      const doc: CallDoc = {
        _id: id, adapter, external_id: null, to_sealed: seal(to, 'to'), extension_sealed: extension ? seal(extension, 'extension') : null, mode, script,
        status: 'ringing', keys_sealed: null, detail: null, created_at: at, settled_at: null, expiresAt: new Date(at + phoneLifetime),
      };
      await calls.create(doc);
      return toCall(doc);
    },
    async setExternalId(id, externalId) {
      try {
        await calls.updateOne({ _id: id }, { $set: { external_id: externalId } });
      } catch (error) {
        if (isDuplicateKey(error)) throw new StoreConflictError(`call '${externalId}'`);
        throw error;
      }
    },
    async getCall(id) {
      const doc = await calls.findById(id).lean<CallDoc>();
      return doc ? toCall(doc) : undefined;
    },
    async findByExternalId(adapter, externalId) {
      const doc = await calls.findOne({ adapter, external_id: externalId }).lean<CallDoc>();
      return doc ? toCall(doc) : undefined;
    },
    async settleCall(id, { status, keys = null, detail = null }, at) {
      const keysSealed = keys === null ? null : box.seal(keys, columnContext(sealContext.phoneCall(id), 'keys'));
      // One conditional update: of racing callbacks (on any node) only the first finds it ringing.
      const result = await calls.updateOne({ _id: id, status: 'ringing' }, { $set: { status, keys_sealed: keysSealed, detail, settled_at: at } });
      return result.modifiedCount === 1;
    },
    async listCalls(limit) {
      return (await calls.find(live()).sort({ created_at: -1, _id: -1 }).limit(limit).lean<CallDoc[]>()).map(toCall);
    },
    async addText({ adapter, to, body, at: createdAt }) {
      const id = orderedId();
      const context = sealContext.phoneText(id);
      await texts.create({
        _id: id, adapter, to_sealed: box.seal(to, columnContext(context, 'to')), body_sealed: box.seal(body, columnContext(context, 'body')),
        created_at: createdAt, expiresAt: new Date(createdAt + phoneLifetime),
      } satisfies TextDoc);
      return { id, adapter, to, body, createdAt };
    },
    async listTexts(limit) {
      return (await texts.find(live()).sort({ created_at: -1, _id: -1 }).limit(limit).lean<TextDoc[]>()).map(toText);
    },
  };
}
