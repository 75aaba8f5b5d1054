// The MongoDB side of the suites: runs only when MONGODB_URI names a replica set (README
// "Running several nodes" shows how to start one), and says so plainly when it does not.
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { openMongoConnection } from '../../src/store/mongo/connection.js';
import { type MongoStore, mongoStoreOn } from '../../src/store/mongo/index.js';
import { migrateMongo } from '../../src/store/mongo/migrate.js';

export const mongoUri = process.env.MONGODB_URI;
export const mongoUnavailable = 'MongoDB not available: set MONGODB_URI to run the contract suite against it (README "Running several nodes")';

/** Runs `suites` when MongoDB is available; otherwise one test that prints why it did not. */
export function describeOnMongo(name: string, suites: () => void) {
  if (mongoUri) {
    suites();
    return;
  }
  test(`${name}: skipped, ${mongoUnavailable}`, () => {
    console.warn(`${name}: ${mongoUnavailable}`);
  });
}

/** A store in a database of its own, migrated, dropped again when the store closes. */
export async function openMongoTestStore(now: () => number = Date.now, { ttl = false } = {}): Promise<MongoStore> {
  const connection = await openMongoConnection(mongoUri!, `twofold_test_${randomBytes(6).toString('hex')}`);
  // The suites' clocks stand in 2023: MongoDB's TTL monitor, on the real clock, would delete
  // their documents under them. Reads compare expiry with the store's clock either way.
  await migrateMongo(connection, { ttl });
  const store = mongoStoreOn(connection, createSecretBox(randomBytes(32)), now);
  return {
    ...store,
    async close() {
      await connection.dropDatabase();
      await store.close();
    },
  };
}

/** Whether any document in the store's database contains the text (to prove encryption). */
export async function mongoContains(store: MongoStore, text: string): Promise<boolean> {
  const db = store.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    for (const doc of await db.collection(name).find().toArray()) if (JSON.stringify(doc).includes(text)) return true;
  }
  return false;
}
