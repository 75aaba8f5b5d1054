// Second-factor credentials. Single use (claimStep) and compare-and-set (updateData) are each
// one conditional update, so racing requests on any number of nodes get one winner.
import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type Credential, type CredentialStore, sealContext, StoreConflictError } from '../types.js';
import { ours } from './connection.js';
import { isDuplicateKey } from './errors.js';
import type { Models } from './models.js';
import type { CredentialRow, Keyed } from '../rows.js';

export type CredentialDoc = Keyed<CredentialRow> & { defaultable: boolean };

export interface CredentialAccountDoc {
  _id: string;
  version: number;
  default_id: string | null;
}

export function mongoCredentials(models: Models, box: SecretBox, now: () => number): CredentialStore {
  const { credentials, credentialAccounts } = models;
  const toCredential = (doc: CredentialDoc, defaultId: string | null | undefined): Credential => ({
    id: doc._id,
    accountId: doc.account_id,
    method: doc.method,
    label: doc.label ?? null,
    secret: doc.secret_sealed ? box.open(doc.secret_sealed, sealContext.credentialSecret(doc._id, doc.account_id)) : null,
    data: JSON.parse(doc.data) as Record<string, unknown>,
    externalId: doc.external_id ?? null,
    counter: doc.last_step ?? null,
    version: doc.version,
    isDefault: defaultId === doc._id,
    createdAt: doc.created_at,
    lastUsedAt: doc.last_used_at ?? null,
  });
  const defaultOf = async (accountId: string) => (await credentialAccounts.findById(accountId).lean<CredentialAccountDoc>())?.default_id;
  const withDefault = async (doc: CredentialDoc | null) => (doc ? toCredential(doc, await defaultOf(doc.account_id)) : undefined);
  const bumpVersion = (accountId: string) =>
    credentialAccounts.updateOne({ _id: accountId }, { $inc: { version: 1 }, $setOnInsert: { default_id: null } }, { upsert: true });
  /** Makes the oldest defaultable credential the default, if the default is still `was`. */
  const promoteOldest = async (accountId: string, was: string | null) => {
    const next = await credentials.findOne({ account_id: accountId, defaultable: true }).sort({ created_at: 1, _id: 1 }).lean<CredentialDoc>();
    await credentialAccounts.updateOne({ _id: accountId, default_id: was }, { $set: { default_id: next?._id ?? null } });
  };

  return {
    async add(input) {
      const id = randomUUID();
      const defaultable = input.defaultable !== false;
      try {
        await credentials.create({
          _id: id, account_id: input.accountId, method: input.method, label: input.label ?? null,
          secret_sealed: input.secret ? box.seal(input.secret, sealContext.credentialSecret(id, input.accountId)) : null,
          data: JSON.stringify(input.data ?? {}), external_id: input.externalId ?? null, last_step: input.usedStep ?? null,
          version: 0, defaultable, created_at: now(), last_used_at: null,
        } satisfies CredentialDoc);
      } catch (error) {
        if (isDuplicateKey(error)) throw new StoreConflictError(`${input.method} '${input.externalId ?? ''}'`);
        throw error;
      }
      await bumpVersion(input.accountId);
      // Becomes the default only if the account has none: a conditional update, so two methods
      // added at once cannot both become the default.
      if (defaultable) await credentialAccounts.updateOne({ _id: input.accountId, default_id: null }, { $set: { default_id: id } });
      return (await withDefault(await credentials.findById(id).lean<CredentialDoc>()))!;
    },
    async get(id) {
      return withDefault(await credentials.findById(id).lean<CredentialDoc>());
    },
    async list(accountId) {
      const [docs, defaultId] = await Promise.all([credentials.find({ account_id: accountId }).sort({ created_at: 1, _id: 1 }).lean<CredentialDoc[]>(), defaultOf(accountId)]);
      return docs.map((doc) => toCredential(doc, defaultId));
    },
    async findByExternalId(method, externalId) {
      return withDefault(await credentials.findOne({ method, external_id: externalId }).lean<CredentialDoc>());
    },
    async listByMethod(method) {
      const docs = await credentials.find({ method }).sort({ external_id: 1, created_at: 1, _id: 1 }).lean<CredentialDoc[]>();
      const accountIds = [...new Set(docs.map((doc) => doc.account_id))];
      const owners = accountIds.length ? await credentialAccounts.find({ _id: ours({ $in: accountIds }) }).lean<CredentialAccountDoc[]>() : [];
      const defaults = new Map(owners.map((doc) => [doc._id, doc.default_id]));
      return docs.map((doc) => toCredential(doc, defaults.get(doc.account_id)));
    },
    async remove(accountId, id) {
      const removed = await credentials.findOneAndDelete({ _id: id, account_id: accountId }).lean<CredentialDoc>();
      if (!removed) return false;
      await bumpVersion(accountId);
      if ((await defaultOf(accountId)) === id) await promoteOldest(accountId, id);
      return true;
    },
    async removeAll(accountId) {
      const { deletedCount } = await credentials.deleteMany({ account_id: accountId });
      if (deletedCount) await credentialAccounts.updateOne({ _id: accountId }, { $inc: { version: 1 }, $set: { default_id: null } }, { upsert: true });
      return deletedCount;
    },
    async setDefault(accountId, id) {
      const doc = await credentials.findOne({ _id: id, account_id: accountId }).lean<CredentialDoc>();
      if (!doc?.defaultable) return false;
      await credentialAccounts.updateOne({ _id: accountId }, { $set: { default_id: id }, $setOnInsert: { version: 0 } }, { upsert: true });
      return true;
    },
    async rename(accountId, id, label) {
      return (await credentials.updateOne({ _id: id, account_id: accountId }, { $set: { label } })).matchedCount === 1;
    },
    async claimStep(id, step, at) {
      // One conditional update: only a step later than the stored one matches, so of racing
      // claims (on any node) exactly one modifies the document.
      const result = await credentials.updateOne(
        { _id: id, $or: [{ last_step: null }, { last_step: ours({ $lt: step }) }] },
        { $set: { last_step: step, last_used_at: at } },
      );
      return result.modifiedCount === 1;
    },
    async updateData(id, version, data, at) {
      // Compare-and-set on `version`, in the same single update that bumps it.
      const result = await credentials.updateOne({ _id: id, version }, { $set: { data: JSON.stringify(data), last_used_at: at }, $inc: { version: 1 } });
      return result.modifiedCount === 1;
    },
    async methodsVersion(accountId) {
      return (await credentialAccounts.findById(accountId).lean<CredentialAccountDoc>())?.version ?? 0;
    },
  };
}
