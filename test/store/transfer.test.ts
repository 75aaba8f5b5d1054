// The rows `twofold db export` writes: the same for every adapter, so a store moves from SQLite
// to MongoDB and back without loss.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';
import { type Row, transferColumns, transferTables, type TransferTable } from '../../src/store/transfer/types.js';
import type { Store } from '../../src/store/types.js';
import { describeOnMongo, openMongoTestStore } from '../helpers/mongo.js';
import { openStandInMongoStore } from '../helpers/mongoStandIn.js';
import type { SecretBox } from '../../src/crypto/secretBox.js';
import type { MongoStore } from '../../src/store/mongo/index.js';
import { tempDir } from '../helpers/tempDir.js';

test('the export knows every SQLite table and column, so a new migration cannot be left out of it', () => {
  const db = openDatabase(join(tempDir(), 'db'));
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('schema_migrations', 'sqlite_sequence')").all() as { name: string }[]).map((t) => t.name);
  expect([...tables].sort()).toEqual([...transferTables].sort());
  for (const table of transferTables) {
    expect([table, (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name)]).toEqual([table, transferColumns[table]]);
  }
  db.close();
});

/** A store with something in every table. */
async function fill(store: Store, clock: number) {
  const alice = await store.accounts.create({ username: 'Alice', passwordHash: 'hash', email: 'a@example.com', emailVerified: true, phone: '+15555550100', groups: ['b', 'a'] });
  await store.clients.create({
    clientId: 'web', name: 'Web', public: false, firstParty: true, redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: [], secret: 'client-secret-client-secret',
    authMethod: 'private_key_jwt', jwksUri: null, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }, grantTypes: ['authorization_code', 'refresh_token'],
    pkce: 'required', idTokenAlg: 'ES256', backchannelLogoutUri: 'https://app.example.com/logout', backchannelLogoutSessionRequired: true, legacy: true, createdAt: clock,
  });
  await store.credentials.add({ accountId: alice.id, method: 'recovery', data: { hashes: ['h1', 'h2'] }, defaultable: false });
  const totp = await store.credentials.add({ accountId: alice.id, method: 'totp', label: 'Phone', secret: 'SEEDSEEDSEED', usedStep: 7 });
  await store.credentials.add({ accountId: alice.id, method: 'oath', externalId: 'SN-1', data: { digits: 6 } });
  await store.credentials.updateData(totp.id, 0, { period: 30 }, clock);
  await store.challenges.put('uid-1', alice.id, { method: 'totp' }, 600);
  await store.attempts.update('mfa:a', (s) => ({ ...s, failures: 2, lockedUntil: clock + 5 }));
  await store.attempts.recordAttempt({ subject: 'mfa:a', network: '198.51.100.7', ok: false, at: clock });
  await store.devices.add({ accountId: alice.id, tokenHash: 'th', method: 'totp', label: 'Firefox', createdAt: clock, expiresAt: clock + 60_000, methodsVersion: 3 });
  await store.enrollmentSkips.record(alice.id, 1234);
  await store.audit.append({ at: clock, type: 'password', result: 'ok', accountId: alice.id });
  await store.audit.append({ at: clock, type: 'mfa.verify', result: 'fail', accountId: alice.id, reason: 'wrong code' });
  const call = await store.phone.addCall({ adapter: 'twilio', to: '+15555550100', extension: '12', mode: 'pin', script: 'Hello', at: clock });
  await store.phone.setExternalId(call.id, 'CA1');
  await store.phone.settleCall(call.id, { status: 'answered', keys: '1234#' }, clock + 1);
  await store.phone.addText({ adapter: 'development', to: '+15555550100', body: 'code 123456', at: clock });
  const report = await store.fraud.addReport({ at: clock, accountId: alice.id, username: 'Alice', clientId: 'web', ip: null, userAgent: null, method: 'voice' });
  await store.fraud.block({ accountId: alice.id, since: clock, until: null, reportId: report.id });
  await store.oidc('Session').upsert('s1', { uid: 'u1', accountId: alice.id }, 600);
  await store.oidc('AuthorizationCode').upsert('c1', { grantId: 'g1', accountId: alice.id }, 60);
  await store.oidc('AuthorizationCode').consume('c1');
  await store.oidc('Client').upsert('cl', { client_id: 'cl' }, 0);
  await store.tokens.add([
    { method: 'oath', serial: 'SN-2', secret: 'TOKENSEED2', data: { kind: 'hotp', digits: 6 }, counter: 12, accountId: alice.id },
    { method: 'oath', serial: 'SN-3', secret: 'TOKENSEED3', data: { kind: 'totp', digits: 8 }, counter: null, accountId: null },
  ]);
  const mail = await store.appPasswords.add({ accountId: alice.id, name: 'Mail', prefix: 'abcd', hash: 'argon-hash' }, 5);
  await store.appPasswords.touch(mail!.id, clock + 2);
  await store.appPasswords.add({ accountId: alice.id, name: 'Calendar', prefix: 'efgh', hash: 'argon-hash-2' }, 5);
  const activation = await store.push.addActivation({ accountId: alice.id, username: 'Alice', codeHash: 'code-hash', totpSecret: 'PUSHTOTPSEED', confirmation: '123456', expiresAt: clock + 300_000 });
  await store.push.activate('code-hash', { deviceId: 'device-1', publicKey: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }, name: 'Phone' }, clock + 1);
  await store.push.finishActivation(activation.id);
  const request = { accountId: alice.id, purpose: 'sign-in' as const, number: '42', context: { clientName: 'Web', ip: '198.51.100.7' }, createdAt: clock, expiresAt: clock + 60_000 };
  const answered = await store.push.addChallenge(request);
  await store.push.addChallenge(request);
  await store.push.answer(answered.id, { status: 'approved', deviceId: 'device-1' }, clock + 3);
  await store.push.take(answered.id, clock + 4);
  await store.push.saveSubscription({ deviceId: 'device-1', accountId: alice.id, endpoint: 'https://push.example.net/send/x', p256dh: 'BKey', auth: 'authSecret' });
}

async function dump(store: SqliteStore | MongoStore) {
  const tables: Partial<Record<TransferTable, Row[]>> = {};
  for (const table of transferTables) {
    const rows: Row[] = [];
    for await (const row of store.transfer().rows(table)) rows.push(row);
    tables[table] = rows;
  }
  return tables;
}

const asMap = (tables: Partial<Record<TransferTable, Row[]>>) => new Map(transferTables.map((t) => [t, tables[t] ?? []]));
/** Rows in a stable order, without what each store numbers itself (the audit log's row id). */
const comparable = (tables: Partial<Record<TransferTable, Row[]>>) =>
  Object.fromEntries(transferTables.map((t) => [t, (tables[t] ?? []).map(({ id, ...row }) => (t === 'audit' ? row : { id, ...row })).map((row) => JSON.stringify(row, Object.keys(row).sort())).sort()]));

test('SQLite rows load into a fresh SQLite store unchanged, and the store reads them back', async () => {
  const clock = 1_700_000_000_000;
  const box = createSecretBox(randomBytes(32));
  const from = await openSqliteStore({ file: join(tempDir(), 'db'), box, now: () => clock });
  await fill(from, clock);
  const rows = await dump(from);
  for (const table of transferTables) expect([table, rows[table]!.length > 0]).toEqual([table, true]);
  const to = await openSqliteStore({ file: join(tempDir(), 'db'), box, now: () => clock });
  expect(await to.transfer().isEmpty()).toBe(true);
  await to.transfer().load(asMap(rows), { transaction: true });
  expect(comparable(await dump(to))).toEqual(comparable(rows));
  const alice = (await to.accounts.findByUsername('alice'))!;
  expect((await to.credentials.list(alice.id)).map((c) => [c.method, c.isDefault, c.secret]).sort()).toEqual([['oath', false, null], ['recovery', false, null], ['totp', true, 'SEEDSEEDSEED']]);
  await from.close();
  await to.close();
});

/** SQLite's rows into a MongoDB store and out again: nothing lost, and read as SQLite reads them. */
async function roundTrip(openMongo: (now: () => number, box: SecretBox) => Promise<MongoStore>) {
  const clock = 1_700_000_000_000;
  const box = createSecretBox(randomBytes(32));
  const from = await openSqliteStore({ file: join(tempDir(), 'db'), box, now: () => clock });
  await fill(from, clock);
  const rows = await dump(from);
  const store = await openMongo(() => clock, box);
  try {
    expect(await store.transfer().isEmpty()).toBe(true);
    // On MongoDB in one transaction where the server has them (a replica set); the stand-in has none.
    const transfer = store.transfer();
    await transfer.load(asMap(rows), { transaction: (await transfer.transactionsUnavailable()) === null });
    expect(comparable(await dump(store))).toEqual(comparable(rows));
    const alice = (await store.accounts.findByUsername('ALICE'))!;
    expect(alice).toEqual(await from.accounts.findByUsername('alice'));
    expect(await store.credentials.list(alice.id)).toEqual(await from.credentials.list(alice.id));
    expect(await store.clients.find('web')).toEqual(await from.clients.find('web'));
    expect(await store.phone.listCalls(10)).toEqual(await from.phone.listCalls(10));
    expect(await store.fraud.blockOf(alice.id, clock)).toEqual(await from.fraud.blockOf(alice.id, clock));
    expect(await store.oidc('AuthorizationCode').find('c1')).toEqual(await from.oidc('AuthorizationCode').find('c1'));
    expect(await store.tokens.list('oath')).toEqual(await from.tokens.list('oath'));
    expect(await store.appPasswords.list(alice.id)).toEqual(await from.appPasswords.list(alice.id));
    expect(await store.push.pending(alice.id, clock)).toEqual(await from.push.pending(alice.id, clock));
    expect(await store.push.subscriptions(alice.id)).toEqual(await from.push.subscriptions(alice.id));
    const [activation] = rows.push_activations!;
    expect(await store.push.getActivation(String(activation!.id))).toEqual(await from.push.getActivation(String(activation!.id)));
    // The imported slots still hold the limit: Alice has two of at most two.
    expect(await store.appPasswords.add({ accountId: alice.id, name: 'Third', prefix: 'ijkl', hash: 'h' }, 2)).toBeUndefined();
    expect(await store.endAccountSessions(alice.id)).toBe(2);
  } finally {
    await store.close();
    await from.close();
  }
}

describeOnMongo('SQLite to MongoDB and back', () => {
  test('every row goes to MongoDB and comes back the same, and MongoDB reads it as SQLite did', () => roundTrip((now, box) => openMongoTestStore(now, { box })));
});

test('every row goes to the MongoDB adapter on the driver stand-in (not MongoDB) and comes back the same', () => roundTrip((now, box) => openStandInMongoStore(now, box)));
