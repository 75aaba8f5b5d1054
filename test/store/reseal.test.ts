// Re-encrypting a store under a new key (`twofold keys rotate`), for SQLite and for the MongoDB
// adapter (on the driver stand-in): every encrypted column is covered, with the same context its
// repository uses, so each value reads back exactly once the previous key is gone; values
// already current, and a second run, change nothing.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { registerClient } from '../../src/clients/registerClient.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import type { SecretBox } from '../../src/crypto/secretBox.js';
import { mongoStoreOn } from '../../src/store/mongo/index.js';
import { migrateMongo } from '../../src/store/mongo/migrate.js';
import { sealedFields } from '../../src/store/mongo/reseal.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { sealedColumns } from '../../src/store/sqlite/reseal.js';
import type { Store } from '../../src/store/types.js';
import { standInConnection } from '../helpers/mongoStandIn.js';
import { tempDir } from '../helpers/tempDir.js';

const now = () => 1_800_000_000_000;

/** One of everything that is stored encrypted, and how to read it back. */
async function fill(store: Store) {
  const account = await store.accounts.create({ username: 'sealed', passwordHash: 'h', phone: '+12125550100' });
  const { client } = await registerClient(store.clients, { clientId: 'sealed-app', redirectUris: ['https://app.example.com/cb'] }, now);
  const credential = await store.credentials.add({ accountId: account.id, method: 'totp', secret: 'JBSWY3DPEHPK3PXP' });
  await store.tokens.add([{ method: 'oath', serial: 'S-1', secret: '3132333435363738393031323334353637383930', data: {}, counter: null, accountId: null }]);
  await store.challenges.put('uid-1', account.id, { code: '123456' }, 3600);
  const call = await store.phone.addCall({ adapter: 'development', to: '+12125550101', extension: '55', mode: 'pin', script: 'x', at: now() });
  await store.phone.settleCall(call.id, { status: 'answered', keys: '1234#' }, now());
  const text = await store.phone.addText({ adapter: 'development', to: '+12125550102', body: '123456 is your code', at: now() });
  const activation = await store.push.addActivation({ accountId: account.id, username: 'sealed', codeHash: 'ch', totpSecret: 'SEED', confirmation: '654321', expiresAt: now() + 60_000 });
  const challenge = await store.push.addChallenge({ accountId: account.id, purpose: 'sign-in', number: '42', context: {}, createdAt: now(), expiresAt: now() + 60_000 });
  await store.push.saveSubscription({ deviceId: 'device-1', accountId: account.id, endpoint: 'https://push.example.com/1', p256dh: 'p', auth: 'a' });
  return async (reader: Store) => ({
    phone: (await reader.accounts.findById(account.id))?.phone,
    clientSecret: (await reader.clients.find('sealed-app'))?.secret === client.secret,
    credential: (await reader.credentials.get(credential.id))?.secret,
    token: (await reader.tokens.get('oath', 'S-1'))?.secret,
    challenge: (await reader.challenges.get('uid-1'))?.data,
    call: await reader.phone.getCall(call.id).then((c) => [c?.to, c?.extension, c?.keys]),
    text: (await reader.phone.listTexts(10)).find((t) => t.id === text.id)?.body,
    activation: (await reader.push.getActivation(activation.id))?.confirmation,
    pushNumber: (await reader.push.getChallenge(challenge.id))?.number,
    subscription: (await reader.push.subscriptions(account.id))[0]?.endpoint,
  });
}

/** Opens the same stored data with a given box. */
type Opener = (box: SecretBox) => Promise<Store>;

const adapters: [string, () => Promise<Opener>, string[]][] = [
  ['sqlite', async () => {
    const file = join(tempDir(), 'twofold.db');
    return (box) => openSqliteStore({ file, box, now });
  }, sealedColumns.map((column) => column.name)],
  ['mongodb adapter on the driver stand-in', async () => {
    const { conn } = standInConnection();
    await migrateMongo(conn, { ttl: false });
    // The connection outlives each store: closing one would end it for the next.
    return async (box) => ({ ...mongoStoreOn(conn, box, now), close: async () => {} });
  }, sealedFields.map((field) => field.name)],
];

test('both adapters cover the same encrypted columns', () => {
  expect(adapters[1]![2]).toEqual(adapters[0]![2]);
});

test.each(adapters)('%s: every encrypted column is re-encrypted under the new key and reads back without the old one', async (_name, prepare, columns) => {
  const open = await prepare();
  const [oldKey, newKey] = [randomBytes(32), randomBytes(32)];
  const before = await open(createSecretBox(oldKey));
  const read = await fill(before);
  const expected = await read(before);
  expect(Object.values(expected).every((value) => value !== undefined && value !== false)).toBe(true);
  await before.close();

  const rotating = await open(createSecretBox(newKey, [oldKey]));
  const report = await rotating.resealSecrets({ batch: 1 });
  expect(report.columns.map((column) => column.name)).toEqual(columns);
  for (const column of report.columns) expect(column).toEqual({ name: column.name, resealed: 1, current: 0, unreadable: 0 });
  const again = await rotating.resealSecrets();
  for (const column of again.columns) expect(column).toEqual({ name: column.name, resealed: 0, current: 1, unreadable: 0 });
  await rotating.close();

  const after = await open(createSecretBox(newKey));
  try {
    expect(await read(after)).toEqual(expected);
  } finally {
    await after.close();
  }
});

test.each(adapters)('%s: a value under a key that is not configured is reported, left as it is, and the rest proceeds', async (_name, prepare) => {
  const open = await prepare();
  const [lostKey, newKey] = [randomBytes(32), randomBytes(32)];
  const before = await open(createSecretBox(lostKey));
  await before.accounts.create({ username: 'lost', passwordHash: 'h', phone: '+12125550100' });
  await before.close();
  const rotating = await open(createSecretBox(newKey));
  const report = await rotating.resealSecrets();
  expect(report.columns.find((column) => column.name === 'accounts.phone')).toEqual({ name: 'accounts.phone', resealed: 0, current: 0, unreadable: 1 });
  await rotating.close();
  const recovered = await open(createSecretBox(randomBytes(32), [lostKey]));
  expect((await recovered.accounts.findByUsername('lost'))?.phone).toBe('+12125550100');
  await recovered.close();
});
