import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { migrations } from '../../src/store/sqlite/migrations.js';
import { describeStoreContract } from './contract.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempFile() {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-store-'));
  dirs.push(dir);
  return join(dir, 'twofold.db');
}

describeStoreContract('sqlite', async (now) => {
  const file = tempFile();
  const store = await openSqliteStore({ file, box: createSecretBox(randomBytes(32)), now });
  return {
    store,
    async rawContains(text) {
      return [file, `${file}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text)));
    },
  };
});

describe('sqlite database', () => {
  it("settles an attempt in one transaction: an audit event it cannot write leaves no attempt and no cleared count", async () => {
    const store = await openSqliteStore({ file: tempFile(), box: createSecretBox(randomBytes(32)) });
    await store.attempts.update('mfa:a1', (s) => ({ ...s, failures: 3 }));
    // `type` is NOT NULL in the audit table: the insert fails after the other two writes.
    const broken = { at: 1, type: null, result: 'ok' } as unknown as Parameters<typeof store.audit.append>[0];
    await expect(store.attempts.settle({ subject: 'mfa:a1', network: '198.51.100.7', ok: true, at: 1, audit: broken })).rejects.toMatchObject({ message: expect.stringMatching(/NOT NULL/) });
    expect((await store.attempts.get('mfa:a1')).failures).toBe(3);
    expect(await store.attempts.attemptTimes('mfa:a1', 0)).toEqual([]);
    await store.close();
  });

  it('uses WAL mode and records the schema version', () => {
    const db = openDatabase(tempFile());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: expect.any(Number) });
    db.close();
  });

  it('refuses a database from a newer Twofold', () => {
    const file = tempFile();
    const db = openDatabase(file);
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?)').run('future', Date.now());
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this Twofold knows/);
  });

  it('keeps data across reopening', async () => {
    const file = tempFile();
    const box = createSecretBox(randomBytes(32));
    const first = await openSqliteStore({ file, box });
    await first.accounts.create({ username: 'kept', passwordHash: 'h' });
    await first.close();
    const second = await openSqliteStore({ file, box });
    expect(await second.accounts.findByUsername('kept')).toBeDefined();
    await second.close();
  });

  it('brings credentials saved before version 3 along, usable and defaultable', async () => {
    const file = tempFile();
    const box = createSecretBox(randomBytes(32));
    const old = openDatabase(file, migrations.filter((m) => m.version <= 2));
    old.prepare(`INSERT INTO credentials (id, account_id, method, label, secret_sealed, is_default, last_step, created_at)
      VALUES ('c1', 'a1', 'totp', 'Phone', NULL, 1, 55, 1)`).run();
    old.close();
    const store = await openSqliteStore({ file, box });
    expect(await store.credentials.get('c1')).toMatchObject({ method: 'totp', label: 'Phone', isDefault: true, counter: 55, data: {}, externalId: null, version: 0 });
    expect(await store.credentials.claimStep('c1', 56, 2)).toBe(true);
    await store.close();
  });

  it('brings clients and accounts saved before version 4 along: public clients authenticate with none, nothing is marked verified', async () => {
    const file = tempFile();
    const box = createSecretBox(randomBytes(32));
    const old = openDatabase(file, migrations.filter((m) => m.version <= 3));
    const insert = old.prepare(`INSERT INTO clients (client_id, name, public, first_party, redirect_uris, post_logout_redirect_uris, secret_sealed, created_at)
      VALUES (?, NULL, ?, 0, '["https://app.example.com/cb"]', '[]', NULL, 1)`);
    insert.run('spa', 1);
    insert.run('web', 0);
    old.prepare(`INSERT INTO accounts (id, username, email, created_at, updated_at) VALUES ('a1', 'alice', 'alice@example.com', 1, 1)`).run();
    old.close();
    const store = await openSqliteStore({ file, box });
    const defaults = { jwksUri: null, jwks: null, grantTypes: ['authorization_code', 'refresh_token'], pkce: 'required', idTokenAlg: 'RS256', backchannelLogoutUri: null, backchannelLogoutSessionRequired: false };
    expect(await store.clients.find('spa')).toMatchObject({ public: true, authMethod: 'none', ...defaults });
    expect(await store.clients.find('web')).toMatchObject({ public: false, authMethod: 'client_secret_basic', ...defaults });
    expect(await store.accounts.findById('a1')).toMatchObject({ email: 'alice@example.com', emailVerified: false, phoneVerified: false });
    await store.close();
  });

  it('brings remembered devices saved before version 11 along, with no address until their next use', async () => {
    const file = tempFile();
    const box = createSecretBox(randomBytes(32));
    const old = openDatabase(file, migrations.filter((m) => m.version <= 10));
    const later = Date.now() + 60_000;
    old.prepare(`INSERT INTO remembered_devices (id, account_id, token_hash, method, label, created_at, expires_at, methods_version)
      VALUES ('d1', 'a1', 'hash', 'totp', 'Chrome on Linux', 1, ?, 0)`).run(later);
    old.close();
    const store = await openSqliteStore({ file, box });
    expect(await store.devices.findByTokenHash('hash')).toMatchObject({ label: 'Chrome on Linux', ip: null, lastUsedAt: null });
    await store.devices.touch('d1', 5, '198.51.100.7');
    expect(await store.devices.list('a1')).toEqual([expect.objectContaining({ ip: '198.51.100.7', lastUsedAt: 5 })]);
    await store.close();
  });
});
