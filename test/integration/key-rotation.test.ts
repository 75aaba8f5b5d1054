// Key rotation as an operator runs it (README "Key rotation"), against the real server and CLI:
// a next signing key is published before it signs and the old one verifies until it is pruned;
// a new encryption key takes over while the previous one still decrypts, and `twofold keys
// rotate` re-encrypts every stored secret, resumably, after which the previous key can go.
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { databaseFile } from '../../src/runtime.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { sealedColumns } from '../../src/store/sqlite/reseal.js';
import { twofold } from '../helpers/cli.js';
import { decodeJwt, verifyJwt } from '../helpers/jwt.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, tempDir } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

// Several restarts and RSA key generations in one test: generous on a busy CI machine.
jest.setTimeout(90_000);

const password = 'correct horse battery staple';
const newKey = () => randomBytes(32).toString('base64');

describe('signing keys', () => {
  test('add publishes the next key without signing with it; promote signs with it and keeps the old one for verification; prune drops it', async () => {
    const dataDir = tempDir();
    const jwksFile = join(dataDir, 'signing-keys.json');
    expect((await twofold(dataDir, ['keys', 'generate', '--jwks-out', jwksFile])).code).toBe(0);
    const originalKids = (JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: { kid: string }[] }).keys.map((key) => key.kid);

    let server = await startTestServer({ signingKeysFile: jwksFile }, { dataDir });
    const port = (server.server.address() as AddressInfo).port;
    await createAccount(server.store.accounts, { username: 'rotor', password });
    const rp = await createRelyingParty(server);
    const idToken = async () => {
      const { page, checks } = await signInWithPassword(new UserAgent(server.issuer), rp, 'rotor', password);
      return (await rp.finish(page.location!, checks)).id_token!;
    };
    const published = async () => ((await (await fetch(new URL('/jwks', server.issuer))).json()) as { keys: { kid: string; d?: string }[] }).keys;
    const restart = async () => {
      await server.stop({ keepData: true });
      server = await startTestServer({ signingKeysFile: jwksFile, port }, { dataDir });
    };
    try {
      const before = await idToken();
      expect(originalKids).toContain(decodeJwt(before).header.kid);

      const added = await twofold(dataDir, ['keys', 'signing', 'add', '--jwks', jwksFile]);
      expect(added.code).toBe(0);
      expect(added.out.filter((line) => line.startsWith('next '))).toHaveLength(2);
      await restart();
      const withNext = await published();
      expect(withNext).toHaveLength(4);
      expect(withNext.every((key) => key.d === undefined)).toBe(true);
      const nextKids = withNext.map((key) => key.kid).filter((kid) => !originalKids.includes(kid));
      expect(nextKids).toHaveLength(2);
      // Published, not signing: tokens still come from the original key.
      expect(originalKids).toContain(decodeJwt(await idToken()).header.kid);

      expect((await twofold(dataDir, ['keys', 'signing', 'promote', '--jwks', jwksFile])).code).toBe(0);
      await restart();
      const after = await idToken();
      expect(nextKids).toContain(decodeJwt(after).header.kid);
      // A token signed before the promotion still verifies against the published set.
      await verifyJwt(before, new URL('/jwks', server.issuer).href);
      await verifyJwt(after, new URL('/jwks', server.issuer).href);

      expect((await twofold(dataDir, ['keys', 'signing', 'prune', '--jwks', jwksFile])).code).toBe(0);
      await restart();
      expect((await published()).map((key) => key.kid).sort()).toEqual([...nextKids].sort());
      await expect(verifyJwt(before, new URL('/jwks', server.issuer).href)).rejects.toThrow(/no key/);
      expect(nextKids).toContain(decodeJwt(await idToken()).header.kid);
    } finally {
      await server.stop();
    }
  });

  test('steps out of order are refused with a clear message and change nothing', async () => {
    const dataDir = tempDir();
    const jwksFile = join(dataDir, 'signing-keys.json');
    await twofold(dataDir, ['keys', 'generate', '--jwks-out', jwksFile]);
    const original = readFileSync(jwksFile, 'utf8');
    const promote = await twofold(dataDir, ['keys', 'signing', 'promote', '--jwks', jwksFile]);
    expect(promote.code).toBe(2);
    expect(promote.err[0]).toBe(`error: keys signing promote: '${jwksFile}' has no next keys; add them first (and publish them for a while)`);
    expect((await twofold(dataDir, ['keys', 'signing', 'prune', '--jwks', jwksFile])).err[0]).toBe(`error: keys signing prune: '${jwksFile}' has no retired keys`);
    expect((await twofold(dataDir, ['keys', 'signing', 'spin', '--jwks', jwksFile])).err[0]).toBe("error: keys signing: unknown step 'spin' (add, promote or prune)");
    expect(readFileSync(jwksFile, 'utf8')).toBe(original);
  });

  test('a key set whose only key of a kind is not active, or with an unknown state, refuses the start', async () => {
    const dataDir = tempDir();
    const jwksFile = join(dataDir, 'signing-keys.json');
    await twofold(dataDir, ['keys', 'generate', '--jwks-out', jwksFile]);
    const { keys } = JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys: Record<string, string>[] };
    writeFileSync(jwksFile, JSON.stringify({ keys: [keys[0], { ...keys[1], state: 'next' }] }));
    await expect(startTestServer({ signingKeysFile: jwksFile }, { dataDir })).rejects.toThrow(`the next EC P-256 key '${keys[1]!.kid}' needs an active EC P-256 key beside it, or it would sign`);
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...keys[0], state: 'soon' }, keys[1]] }));
    await expect(startTestServer({ signingKeysFile: jwksFile }, { dataDir })).rejects.toThrow("key 1 has state 'soon'; it must be one of next, active, retired");
  });
});

describe('the encryption key', () => {
  /** Which key each sealed value in the database was sealed under (its key id), per column. */
  function keyIdsInDatabase(dataDir: string): Set<string> {
    const db = new Database(databaseFile({ dataDir }), { readonly: true });
    try {
      const ids = new Set<string>();
      for (const { table, column } of sealedColumns) {
        for (const row of db.prepare(`SELECT ${column} AS sealed FROM ${table} WHERE ${column} IS NOT NULL`).all() as { sealed: string }[]) ids.add(row.sealed.split(':')[1]!);
      }
      return ids;
    } finally {
      db.close();
    }
  }
  const keyId = (key: string) => createSecretBox(Buffer.from(key, 'base64')).seal('x', 'y').split(':')[1]!;

  test('a new key with the old one as previous serves at once; `keys rotate` re-encrypts everything, resumably; then the old key can go', async () => {
    const dataDir = tempDir();
    const [oldest, old, current] = [newKey(), newKey(), newKey()];
    let server = await startTestServer({ encryptionKey: old }, { dataDir, policy: policies.mfaForAll });
    const port = (server.server.address() as AddressInfo).port;
    const rp = await createRelyingParty(server);
    const account = await createAccount(server.store.accounts, { username: 'sealed', password, phone: '+12125550123' });
    const agent = new UserAgent(server.issuer);
    const { page: intro } = await signInWithPassword(agent, rp, 'sealed', password);
    const { secret } = await enrollApp(agent, intro, server, rp.redirectUri);
    await server.stop({ keepData: true });
    // A value from before an earlier rotation that was never finished: sealed under a key no longer configured.
    const straggler = await openSqliteStore({ file: databaseFile({ dataDir }), box: createSecretBox(Buffer.from(oldest, 'base64')) });
    await createAccount(straggler.accounts, { username: 'straggler', password, phone: '+12125550199' });
    await straggler.close();
    expect(keyIdsInDatabase(dataDir)).toEqual(new Set([keyId(old), keyId(oldest)]));

    let uses = 0;
    const signIn = async () => {
      const browser = new UserAgent(server.issuer);
      const { page, checks } = await signInWithPassword(browser, rp, 'sealed', password);
      // A time step no earlier sign-in used (each server's clock starts at real time).
      server.clock.advance(60_000 * ++uses);
      const back = await enterCode(browser, page, await appCode(server, secret), rp.redirectUri);
      return (await rp.finish(back.location!, checks)).claims();
    };
    // Step 1: every node gets the new key, the old one as previous; what is stored still opens.
    server = await startTestServer({ encryptionKey: current, previousEncryptionKeys: old, port }, { dataDir, policy: policies.mfaForAll });
    try {
      expect(await signIn()).toMatchObject({ sub: account.id, amr: ['pwd', 'otp', 'mfa'] });
      expect((await server.store.accounts.findById(account.id))!.phone).toBe('+12125550123');

      // Step 2: re-encrypt, while the server runs. The straggler cannot be read: reported, left as it is.
      const env = { TWOFOLD_ENCRYPTION_KEY: current, TWOFOLD_PREVIOUS_ENCRYPTION_KEYS: old };
      const first = await twofold(dataDir, ['keys', 'rotate', '--batch', '1'], '', env);
      expect(first.code).toBe(1);
      expect(first.out).toContain('accounts.phone: 1 re-encrypted, 0 already current, 1 UNREADABLE');
      expect(first.out.find((line) => line.startsWith('credentials.secret:'))).toMatch(/^credentials.secret: [1-9]\d* re-encrypted, 0 already current$/);
      expect(first.err).toEqual(['error: keys rotate: 1 values open under none of the configured keys: add the key they were sealed with to TWOFOLD_PREVIOUS_ENCRYPTION_KEYS and run it again']);
      expect(keyIdsInDatabase(dataDir)).toEqual(new Set([keyId(current), keyId(oldest)]));

      // Run again with the missing key: only the straggler is left to do.
      const second = await twofold(dataDir, ['keys', 'rotate'], '', { ...env, TWOFOLD_PREVIOUS_ENCRYPTION_KEYS: `${old},${oldest}` });
      expect(second.code).toBe(0);
      expect(second.out).toContain('accounts.phone: 1 re-encrypted, 1 already current');
      expect(second.out.at(-1)).toBe('1 values re-encrypted under the current key');
      expect(keyIdsInDatabase(dataDir)).toEqual(new Set([keyId(current)]));
    } finally {
      await server.stop({ keepData: true });
    }

    // Step 3: the previous key is removed; everything still opens.
    server = await startTestServer({ encryptionKey: current, port }, { dataDir, policy: policies.mfaForAll });
    try {
      expect(await signIn()).toMatchObject({ sub: account.id, amr: ['pwd', 'otp', 'mfa'] });
      expect((await server.store.accounts.findByUsername('straggler'))!.phone).toBe('+12125550199');
      const again = await twofold(dataDir, ['keys', 'rotate'], '', { TWOFOLD_ENCRYPTION_KEY: current });
      expect(again.out.at(-1)).toBe('0 values re-encrypted under the current key');
    } finally {
      await server.stop();
    }
  });

  test('bad input to `keys rotate` is refused and changes nothing', async () => {
    const dataDir = tempDir();
    const result = await twofold(dataDir, ['keys', 'rotate', '--batch', 'lots'], '', { TWOFOLD_ENCRYPTION_KEY: newKey() });
    expect(result.code).toBe(2);
    expect(result.err[0]).toBe("error: keys rotate: --batch must be a whole number from 1 to 100000 but is 'lots'");
    const badKey = await twofold(dataDir, ['keys', 'rotate'], '', { TWOFOLD_ENCRYPTION_KEY: newKey(), TWOFOLD_PREVIOUS_ENCRYPTION_KEYS: 'short' });
    expect(badKey.code).toBe(1);
    expect(badKey.err[0]).toBe("error: TWOFOLD_PREVIOUS_ENCRYPTION_KEYS (option 'previousEncryptionKeys') must be a comma-separated list of 32-byte keys in base64 but is (hidden)");
  });
});
