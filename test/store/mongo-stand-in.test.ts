// The MongoDB adapter through the real mongoose on an in-memory stand-in for the driver (NOT
// MongoDB; see test/helpers/mongoStandIn.ts): every `npm test` runs the adapter's queries,
// casting, sanitised filters and result handling, where no MongoDB server can run. MongoDB's
// own behaviour is checked by test/store/mongo.test.ts when MONGODB_URI is set.
import { expectNoOperatorInjection } from '../helpers/mongo.js';
import { openStandInMongoStore, standInContains } from '../helpers/mongoStandIn.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('mongodb adapter on the driver stand-in', async (now) => {
  const store = await openStandInMongoStore(now);
  return { store, rawContains: (text) => standInContains(store.db, text) };
});

test('the mongodb adapter never reads a request value as a query operator (mongoose sanitizeFilter)', () => expectNoOperatorInjection(() => openStandInMongoStore()));
