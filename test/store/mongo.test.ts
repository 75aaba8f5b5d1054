// The store contract against MongoDB, when MONGODB_URI names a replica set; otherwise one test
// says why it did not run.
import { describeStoreContract } from './contract.js';
import { describeOnMongo, expectNoOperatorInjection, mongoContains, openMongoTestStore } from '../helpers/mongo.js';
import { openMongoConnection } from '../../src/store/mongo/connection.js';
import { migrateMongo } from '../../src/store/mongo/migrate.js';
import { MongoNotMigratedError, openMongoStore } from '../../src/store/mongo/index.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { randomBytes } from 'node:crypto';

describeOnMongo('mongodb store contract', () => {
  describeStoreContract('mongodb', async (now) => {
    const store = await openMongoTestStore(now);
    return { store, rawContains: (text) => mongoContains(store, text) };
  });

  describe('mongodb migrate', () => {
    const uri = process.env.MONGODB_URI!;
    const dbName = `twofold_test_migrate_${randomBytes(4).toString('hex')}`;

    it('refuses to open a database migrate never ran on, then creates unique and TTL indexes', async () => {
      const box = createSecretBox(randomBytes(32));
      await expect(openMongoStore({ uri, dbName, box })).rejects.toBeInstanceOf(MongoNotMigratedError);
      const connection = await openMongoConnection(uri, dbName);
      try {
        await migrateMongo(connection);
        await migrateMongo(connection); // a second run changes nothing
        const indexes = await connection.db!.collection('challenges').indexes();
        expect(indexes).toEqual(expect.arrayContaining([expect.objectContaining({ key: { expiresAt: 1 }, expireAfterSeconds: 0 })]));
        const accounts = await connection.db!.collection('accounts').indexes();
        expect(accounts).toEqual(expect.arrayContaining([expect.objectContaining({ key: { username_key: 1 }, unique: true })]));
        const store = await openMongoStore({ uri, dbName, box });
        await store.close();
      } finally {
        await connection.dropDatabase();
        await connection.close();
      }
    });

    it('never reads a request value as a query operator', () => expectNoOperatorInjection(() => openMongoTestStore()));

    it('watches push requests with a change stream on the replica set (the contract checks it wakes)', async () => {
      const store = await openMongoTestStore();
      try {
        const watch = await store.push.watchRequests('a1', () => undefined, { pollMs: 1000 });
        expect(watch.how).toBe('change stream');
        watch.close();
      } finally {
        await store.close();
      }
    });
  });
});
