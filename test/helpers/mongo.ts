// The MongoDB side of the suites: runs only when MONGODB_URI names a replica set (README
// "Running several nodes" shows how to start one), and says so plainly when it does not.
import { randomBytes } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../../src/crypto/secretBox.js';
import { openMongoConnection } from '../../src/store/mongo/connection.js';
import { type MongoStore, mongoStoreOn } from '../../src/store/mongo/index.js';
import { migrateMongo } from '../../src/store/mongo/migrate.js';
import type { Store } from '../../src/store/types.js';

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
export async function openMongoTestStore(now: () => number = Date.now, { ttl = false, box = createSecretBox(randomBytes(32)) }: { ttl?: boolean; box?: SecretBox } = {}): Promise<MongoStore> {
  const connection = await openMongoConnection(mongoUri!, `twofold_test_${randomBytes(6).toString('hex')}`);
  // The suites' clocks stand in 2023: MongoDB's TTL monitor, on the real clock, would delete
  // their documents under them. Reads compare expiry with the store's clock either way.
  await migrateMongo(connection, { ttl });
  const store = mongoStoreOn(connection, box, now);
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

/** A request value shaped like a query operator matches nothing (mongoose's sanitizeFilter):
 * without it each lookup below would find the record stored first. */
export async function expectNoOperatorInjection(open: () => Promise<Store>) {
  const store = await open();
  try {
    await store.clients.create({
      clientId: 'web', name: null, public: true, firstParty: false, redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: [], secret: null,
      authMethod: 'none', jwksUri: null, jwks: null, grantTypes: ['authorization_code'], pkce: 'required', idTokenAlg: 'RS256',
      backchannelLogoutUri: null, backchannelLogoutSessionRequired: false, legacy: false, createdAt: 1,
    });
    await store.devices.add({ accountId: 'a1', tokenHash: 'hash-1', method: 'totp', label: 'x', createdAt: Date.now(), expiresAt: Date.now() + 60_000, methodsVersion: 0 });
    // What a JSON body could smuggle in where a string is expected.
    const injected = { $ne: 'nobody' } as unknown as string;
    await expect(store.clients.find(injected).catch(() => undefined)).resolves.toBeUndefined();
    await expect(store.devices.findByTokenHash(injected).catch(() => undefined)).resolves.toBeUndefined();
    expect(await store.devices.findByTokenHash('hash-1')).toBeDefined();
  } finally {
    await store.close();
  }
}
