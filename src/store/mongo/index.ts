// The store for several nodes: MongoDB (a replica set) through mongoose, selected by MONGODB_URI.
import type { SecretBox } from '../../crypto/secretBox.js';
import type { Store } from '../types.js';
import { mongoAccounts } from './accounts.js';
import { mongoAppPasswords } from './appPasswords.js';
import { mongoAttempts } from './attempts.js';
import { mongoAudit } from './audit.js';
import { mongoAuditSearch } from './auditSearch.js';
import { mongoChallenges } from './challenges.js';
import { mongoClients } from './clients.js';
import { type MongoConnection, openMongoConnection, ours } from './connection.js';
import { mongoCredentials } from './credentials.js';
import { mongoDevices, mongoEnrollmentSkips } from './devices.js';
import { MongoNotMigratedError } from './errors.js';
import { mongoFraud } from './fraud.js';
import { mongoSchemaVersion, mongoVersion } from './migrate.js';
import { bindModels } from './models.js';
import { mongoEndAccountSessions, mongoOidcAdapters } from './oidcAdapter.js';
import { mongoPhone } from './phone.js';
import { mongoPush } from './push.js';
import { mongoPushWatcher } from './pushWatch.js';
import { resealMongo } from './reseal.js';
import { mongoTokenInventory } from './tokenInventory.js';
import { mongoTransfer } from '../transfer/mongoTransfer.js';
import type { StoreTransfer } from '../transfer/types.js';

export interface MongoStoreOptions {
  uri: string;
  /** The database, when not the one the URI names. */
  dbName?: string;
  box: SecretBox;
  now?: () => number;
}

export type MongoStore = Store & { connection: MongoConnection; transfer(): StoreTransfer };

/** Connects and checks that `twofold db migrate` brought the database to this version: the
 * unique and TTL indexes the adapter's guarantees rest on are never created lazily. */
export async function openMongoStore({ uri, dbName, box, now = Date.now }: MongoStoreOptions, { requireMigrated = true } = {}): Promise<MongoStore> {
  const connection = await openMongoConnection(uri, dbName);
  if (requireMigrated) {
    const version = await mongoVersion(connection);
    if (version !== mongoSchemaVersion) {
      await connection.close();
      throw new MongoNotMigratedError(version, mongoSchemaVersion);
    }
  }
  return mongoStoreOn(connection, box, now);
}

export function mongoStoreOn(connection: MongoConnection, box: SecretBox, now: () => number = Date.now): MongoStore {
  const models = bindModels(connection);
  const day = 86_400_000;
  return {
    connection,
    transfer: () => mongoTransfer(connection),
    resealSecrets: (options) => resealMongo(models, box, options),
    accounts: mongoAccounts(models, box, now),
    clients: mongoClients(models, box),
    credentials: mongoCredentials(models, box, now),
    challenges: mongoChallenges(models, box, now),
    attempts: mongoAttempts(models, now),
    devices: mongoDevices(models, now),
    enrollmentSkips: mongoEnrollmentSkips(models),
    audit: { ...mongoAudit(models), search: mongoAuditSearch(models) },
    phone: mongoPhone(models, box, now),
    fraud: mongoFraud(models),
    tokens: mongoTokenInventory(models, box, now),
    appPasswords: mongoAppPasswords(models, now),
    push: mongoPush(models, box, now, mongoPushWatcher(() => connection.db, models.pushChallenges.collection.collectionName)),
    oidc: mongoOidcAdapters(models, now),
    endAccountSessions: mongoEndAccountSessions(models),
    async sweep() {
      // The TTL indexes delete expired documents by MongoDB's clock, a minute or more late;
      // sweep does the same by the store's clock (reads already ignore them), and clears what
      // has no TTL: regulation counts for usernames that do not exist.
      const at = new Date(now());
      const expired = { expiresAt: ours({ $lte: at }) };
      await Promise.all([
        models.oidcPayloads.deleteMany(expired),
        models.challenges.deleteMany(expired),
        models.rememberedDevices.deleteMany(expired),
        models.attempts.deleteMany(expired),
        models.phoneCalls.deleteMany(expired),
        models.phoneTexts.deleteMany(expired),
        models.pushActivations.deleteMany(expired),
        models.pushChallenges.deleteMany(expired),
        models.regulation.deleteMany({
          _id: /^password:unknown:/,
          permanent: false,
          updated_at: ours({ $lte: at.getTime() - day }),
          $or: [{ locked_until: null }, { locked_until: ours({ $lte: at.getTime() }) }],
        }),
      ]);
    },
    async close() {
      await connection.close();
    },
  };
}

export { MongoNotMigratedError };
