// Opens the store the configuration names: MongoDB when MONGODB_URI is set, else the SQLite file.
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { SecretBox } from '../crypto/secretBox.js';
import { openMongoStore } from './mongo/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { StoreTransfer } from './transfer/types.js';
import type { Store } from './types.js';

/** A store as the ready provider opens it: with its side of `twofold db export`/`import`. */
export type OpenedStore = Store & { transfer(): StoreTransfer };

export const databaseFile = (config: Pick<Config, 'dataDir'>) => join(resolve(config.dataDir), 'twofold.db');

export function openStore(config: Pick<Config, 'dataDir' | 'mongodbUri'>, box: SecretBox, now?: () => number): Promise<OpenedStore> {
  return config.mongodbUri ? openMongoStore({ uri: config.mongodbUri, box, now }) : openSqliteStore({ file: databaseFile(config), box, now });
}

/** Where the store is, for messages: never the connection string itself (it may hold a password). */
export const describeStore = (config: Pick<Config, 'dataDir' | 'mongodbUri'>) => (config.mongodbUri ? 'MongoDB (MONGODB_URI)' : databaseFile(config));
