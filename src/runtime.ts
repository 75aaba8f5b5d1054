// Configuration, keys and store: what both the server and the CLI stand on.
import { join, resolve } from 'node:path';
import { loadKeyMaterial, type KeyMaterial } from './config/keys.js';
import { ConfigError, type ConfigSources, resolveConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { createSecretBox } from './crypto/secretBox.js';
import { createLogger, type Logger } from './log.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { Store } from './store/types.js';

export interface Runtime {
  config: Config;
  keys: KeyMaterial;
  store: Store;
  log: Logger;
}

export type RuntimeSources = ConfigSources & {
  log?: Logger;
  /** The clock for second factors, regulation and remembered devices (tests move it forward). */
  now?: () => number;
};

export const databaseFile = (config: Config) => join(resolve(config.dataDir), 'twofold.db');

export async function openRuntime(sources: RuntimeSources = {}): Promise<Runtime> {
  const { config, problems } = resolveConfig(sources);
  const log = sources.log ?? createLogger(config.logLevel ?? 'info');
  // With other problems in development, generating keys would only add noise: report first.
  const keyResult = problems.length && config.nodeEnv !== 'production' ? { problems: [] } : loadKeyMaterial(config, log);
  if (problems.length || keyResult.problems.length || !keyResult.keys) throw new ConfigError([...problems, ...keyResult.problems]);
  const store = await openSqliteStore({ file: databaseFile(config), box: createSecretBox(keyResult.keys.encryptionKey) });
  return { config, keys: keyResult.keys, store, log };
}
