// `twofold db migrate` for MongoDB: creates the collections and their indexes (unique, TTL,
// partial), and records the version the store checks when it opens.
import type { MongoConnection } from './connection.js';
import { bindModels } from './models.js';

/** Bump when a collection or index is added or changed; the store refuses an older database.
 * 2: token inventory, app passwords, push activations, requests and subscriptions. */
export const mongoSchemaVersion = 2;

export interface MongoMigrateOptions {
  /** Create the TTL indexes (default). Only a test whose clock stands years in the past turns
   * them off, so MongoDB's own clock does not delete its documents under it. */
  ttl?: boolean;
  now?: () => number;
}

export async function migrateMongo(connection: MongoConnection, { ttl = true, now = Date.now }: MongoMigrateOptions = {}): Promise<{ collections: number; indexes: number }> {
  const models = bindModels(connection);
  let indexes = 0;
  for (const model of Object.values(models)) {
    // createCollection is a no-op for a collection that exists; createIndex for an identical
    // index too, so migrate can run again (and from several nodes) safely.
    await model.createCollection();
    for (const [fields, options] of model.schema.indexes()) {
      if (!ttl && options.expireAfterSeconds !== undefined) continue;
      await model.collection.createIndex(fields as Record<string, 1 | -1>, options as object);
      indexes += 1;
    }
  }
  await models.meta.updateOne({ _id: 'schema' }, { $set: { version: mongoSchemaVersion, applied_at: now() } }, { upsert: true });
  return { collections: Object.keys(models).length, indexes };
}

/** The version migrate recorded, or 0 for a database it never ran on. */
export async function mongoVersion(connection: MongoConnection): Promise<number> {
  const doc = (await bindModels(connection).meta.findById('schema').lean()) as { version?: number } | null;
  return doc?.version ?? 0;
}
