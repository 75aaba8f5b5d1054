// Twofold's public surface as a plugin for an existing oidc-provider deployment.
// See examples/plugin-host/ for a provider that adds it in a few lines.
import { createSecretBox } from './crypto/secretBox.js';
import { openSqliteStore } from './store/sqlite/index.js';
import type { MfaStore } from './store/types.js';

export { createTwofold } from './plugin.js';
export type { Twofold, TwofoldOptions } from './plugin.js';
export type { AccountDirectory, DirectoryAccount } from './mfa/accountDirectory.js';
export { openPolicyFolder, staticPolicy } from './policy/source.js';
export type { PolicySource } from './policy/source.js';
export type { Decision, PolicySet } from './policy/types.js';
export { acrLevels } from './provider/acr.js';
export type { MfaStore } from './store/types.js';

/** Twofold's embedded store for a plugin host: one SQLite file, secrets sealed with a 32-byte key. */
export function openTwofoldStore({ file, encryptionKey }: { file: string; encryptionKey: Buffer }): Promise<MfaStore> {
  return openSqliteStore({ file, box: createSecretBox(encryptionKey) });
}
