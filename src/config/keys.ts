// Key material: cookie keys, token signing keys and the at-rest encryption key.
// Development generates what is missing once and keeps it under the data folder;
// production refuses to start without its own keys, and refuses the development ones.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, type JsonWebKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from '../log.js';
import type { Config } from './schema.js';

export interface SigningJwk extends JsonWebKey {
  kid: string;
  kty: string;
  alg?: string;
  use?: string;
  /** Twofold's own member, for rotation: `active` (the default) signs; `next` is published in the
   * key set before it signs; `retired` is published until the tokens it signed expire. */
  state?: SigningKeyState;
}

export const signingKeyStates = ['next', 'active', 'retired'] as const;
export type SigningKeyState = (typeof signingKeyStates)[number];

export interface KeyMaterial {
  cookieKeys: string[];
  jwks: { keys: SigningJwk[] };
  encryptionKey: Buffer;
  /** Earlier encryption keys: what they sealed still opens, until `twofold keys rotate` re-seals it. */
  previousEncryptionKeys: Buffer[];
}

interface StoredDevKeys {
  cookieKeys: string[];
  jwks: { keys: SigningJwk[] };
  encryptionKey: string;
}

export const devKeysFile = (dataDir: string) => join(resolve(dataDir), 'dev-keys.json');

/** RFC 7638 thumbprint: a stable key id derived from the public parts of the key. */
function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

export function generateSigningKeys(state?: SigningKeyState): { keys: SigningJwk[] } {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return {
    keys: [
      { ...rsa, kty: 'RSA', kid: thumbprint(rsa), alg: 'RS256', use: 'sig', ...(state ? { state } : {}) },
      { ...ec, kty: 'EC', kid: thumbprint(ec), alg: 'ES256', use: 'sig', ...(state ? { state } : {}) },
    ],
  };
}

export function generateKeyMaterial(): StoredDevKeys {
  return {
    cookieKeys: [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')],
    jwks: generateSigningKeys(),
    encryptionKey: randomBytes(32).toString('base64'),
  };
}

function checkJwks(document: unknown, source: string, problems: string[]): { keys: SigningJwk[] } | undefined {
  const keys = (document as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push(`${source} must be a JSON Web Key Set: an object with a non-empty "keys" array`);
    return undefined;
  }
  let ok = true;
  keys.forEach((jwk: SigningJwk, index) => {
    try {
      if (!jwk.d) throw new Error('it is a public key; signing needs the private key ("d")');
      createPrivateKey({ key: jwk, format: 'jwk' });
    } catch (error) {
      ok = false;
      problems.push(`${source}: key ${index + 1} cannot be used: ${(error as Error).message}`);
    }
  });
  keys.forEach((jwk: SigningJwk, index) => {
    if (jwk.state !== undefined && !signingKeyStates.includes(jwk.state)) {
      ok = false;
      problems.push(`${source}: key ${index + 1} has state '${String(jwk.state)}'; it must be one of ${signingKeyStates.join(', ')}`);
    }
  });
  const active = keys.filter((jwk: SigningJwk) => (jwk.state ?? 'active') === 'active');
  if (ok && !active.some((jwk: SigningJwk) => jwk.kty === 'RSA')) {
    problems.push(`${source} needs ${keys.some((jwk: SigningJwk) => jwk.kty === 'RSA') ? 'an active' : 'an'} RSA key: RS256 is the default ID token algorithm`);
    ok = false;
  }
  // oidc-provider signs with the first key that fits an algorithm: a next or retired key with no
  // active key of its kind would sign.
  const kind = (jwk: SigningJwk) => `${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''}`;
  for (const jwk of keys as SigningJwk[]) {
    if (ok && (jwk.state ?? 'active') !== 'active' && !active.some((other: SigningJwk) => kind(other) === kind(jwk))) {
      problems.push(`${source}: the ${jwk.state} ${kind(jwk)} key '${jwk.kid}' needs an active ${kind(jwk)} key beside it, or it would sign`);
      ok = false;
    }
  }
  if (!ok) return undefined;
  return { keys: orderForSigning(keys as SigningJwk[]) };
}

/** Active keys first (oidc-provider signs with the first of each algorithm), then next, then
 * retired: all published in the key set; the state member itself stays in the file. */
export function orderForSigning(keys: SigningJwk[]): SigningJwk[] {
  const order = { active: 0, next: 1, retired: 2 } as const;
  // A stable sort: within a state, the file's order.
  return [...keys]
    .sort((a, b) => order[a.state ?? 'active'] - order[b.state ?? 'active'])
    .map(({ state: _state, ...jwk }) => ({ ...jwk, kid: jwk.kid ?? thumbprint(jwk) }));
}

function readDevKeys(file: string): StoredDevKeys | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as StoredDevKeys;
}

function readOrCreateDevKeys(config: Config): StoredDevKeys {
  const file = devKeysFile(config.dataDir);
  const existing = readDevKeys(file);
  if (existing) return existing;
  const created = generateKeyMaterial();
  mkdirSync(resolve(config.dataDir), { recursive: true });
  writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return created;
}

export function loadKeyMaterial(config: Config, log: Logger): { keys?: KeyMaterial; problems: string[] } {
  const problems: string[] = [];
  const production = config.nodeEnv === 'production';
  const previousEncryptionKeys = (config.previousEncryptionKeys ?? []).map((key) => Buffer.from(key, 'base64'));

  let jwks: { keys: SigningJwk[] } | undefined;
  if (config.signingKeysFile) {
    const source = `TWOFOLD_SIGNING_KEYS_FILE '${config.signingKeysFile}'`;
    try {
      jwks = checkJwks(JSON.parse(readFileSync(config.signingKeysFile, 'utf8')), source, problems);
    } catch (error) {
      problems.push(`${source} cannot be read as JSON: ${(error as Error).message}`);
    }
  }

  if (production) {
    const dev = readDevKeys(devKeysFile(config.dataDir));
    if (dev) {
      const reused = [
        config.cookieKeys?.some((key) => dev.cookieKeys.includes(key)) && 'TWOFOLD_COOKIE_KEYS',
        jwks?.keys.some((key) => dev.jwks.keys.some((devKey) => devKey.kid === key.kid)) && 'TWOFOLD_SIGNING_KEYS_FILE',
        config.encryptionKey === dev.encryptionKey && 'TWOFOLD_ENCRYPTION_KEY',
      ].filter(Boolean);
      for (const name of reused) {
        problems.push(`${name} holds a development key from ${devKeysFile(config.dataDir)}; generate production keys with \`twofold keys generate\``);
      }
    }
    if (problems.length || !config.cookieKeys || !jwks || !config.encryptionKey) return { problems };
    return { keys: { cookieKeys: config.cookieKeys, jwks, encryptionKey: Buffer.from(config.encryptionKey, 'base64'), previousEncryptionKeys }, problems };
  }

  if (problems.length) return { problems };
  const missing = [
    !config.cookieKeys && 'TWOFOLD_COOKIE_KEYS',
    !config.signingKeysFile && 'TWOFOLD_SIGNING_KEYS_FILE',
    !config.encryptionKey && 'TWOFOLD_ENCRYPTION_KEY',
  ].filter(Boolean);
  const dev = missing.length ? readOrCreateDevKeys(config) : undefined;
  if (dev) {
    log.warn(`development keys in use for ${missing.join(', ')} (kept in ${devKeysFile(config.dataDir)}); set them before production`);
  }
  return {
    keys: {
      cookieKeys: config.cookieKeys ?? dev!.cookieKeys,
      jwks: jwks ?? dev!.jwks,
      encryptionKey: Buffer.from(config.encryptionKey ?? dev!.encryptionKey, 'base64'),
      previousEncryptionKeys,
    },
    problems,
  };
}
