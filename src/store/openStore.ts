// Opens the store the configuration names: MongoDB when MONGODB_URI is set, else the SQLite file.
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { SecretBox } from '../crypto/secretBox.js';
import { openSqliteStore } from './sqlite/index.js';
import type { StoreTransfer } from './transfer/types.js';
import type { Store } from './types.js';

/** A store as the ready provider opens it: with its side of `twofold db export`/`import`. */
export type OpenedStore = Store & { transfer(): StoreTransfer };

export const databaseFile = (config: Pick<Config, 'dataDir'>) => join(resolve(config.dataDir), 'twofold.db');

export async function openStore(config: Pick<Config, 'dataDir' | 'mongodbUri'>, box: SecretBox, now?: () => number): Promise<OpenedStore> {
  if (!config.mongodbUri) return openSqliteStore({ file: databaseFile(config), box, now });
  // Loaded only here: mongoose and the driver cost every process about 30 MiB and a third of a
  // second at start, which a SQLite install should not pay.
  const { openMongoStore } = await import('./mongo/index.js');
  return openMongoStore({ uri: config.mongodbUri, box, now });
}

/** Where the store is, for messages: never the connection string itself (it may hold a password). */
export const describeStore = (config: Pick<Config, 'dataDir' | 'mongodbUri'>) => (config.mongodbUri ? 'MongoDB (MONGODB_URI)' : databaseFile(config));
