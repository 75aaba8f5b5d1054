// Configuration, keys and store: what both the server and the CLI stand on.
import { loadKeyMaterial, type KeyMaterial } from './config/keys.js';
import { ConfigError, type ConfigSources, resolveConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { createSecretBox } from './crypto/secretBox.js';
import { createLogger, type Logger } from './log.js';
import { databaseFile, type OpenedStore, openStore } from './store/openStore.js';

export interface Runtime {
  config: Config;
  keys: KeyMaterial;
  store: OpenedStore;
  log: Logger;
}

export type RuntimeSources = ConfigSources & {
  log?: Logger;
  /** The clock for second factors, regulation and remembered devices (tests move it forward). */
  now?: () => number;
};

export { databaseFile };

export async function openRuntime(sources: RuntimeSources = {}): Promise<Runtime> {
  const { config, problems } = resolveConfig(sources);
  const log = sources.log ?? createLogger(config.logLevel ?? 'info', { format: config.logFormat });
  // With other problems in development, generating keys would only add noise: report first.
  const keyResult = problems.length && config.nodeEnv !== 'production' ? { problems: [] } : loadKeyMaterial(config, log);
  if (problems.length || keyResult.problems.length || !keyResult.keys) throw new ConfigError([...problems, ...keyResult.problems]);
  const store = await openStore(config, createSecretBox(keyResult.keys.encryptionKey, keyResult.keys.previousEncryptionKeys));
  return { config, keys: keyResult.keys, store, log };
}
