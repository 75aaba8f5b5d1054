// `twofold db import` into MongoDB, the command run in-process on the MongoDB adapter over the
// driver stand-in (NOT MongoDB; see test/helpers/mongoStandIn.ts): where the server has no
// transactions (a standalone server, as the stand-in reports itself) the import is refused unless
// --no-transaction is given; on a replica set it is one transaction, so a refused record leaves
// nothing behind. The real transaction runs with MONGODB_URI (the last test).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dbCommand } from '../../src/cli/dbCommands.js';
import type { CliIo } from '../../src/cli/io.js';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import type { Runtime } from '../../src/runtime.js';
import type { MongoStore } from '../../src/store/mongo/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { exportLines } from '../../src/store/transfer/exportFile.js';
import { describeOnMongo, openMongoTestStore } from '../helpers/mongo.js';
import { openStandInMongoStore, type StandInDb } from '../helpers/mongoStandIn.js';
import { tempDir } from '../helpers/tempDir.js';

const encryptionKey = randomBytes(32);
const box = createSecretBox(encryptionKey);
let exportFile: string;
let twiceFile: string;

beforeAll(async () => {
  const dir = tempDir();
  const source = await openSqliteStore({ file: join(dir, 'twofold.db'), box });
  const alice = await source.accounts.create({ username: 'alice', passwordHash: 'hash', groups: ['staff'] });
  await source.credentials.add({ accountId: alice.id, method: 'totp', secret: 'JBSWY3DPEHPK3PXP' });
  await source.accounts.create({ username: 'bob', passwordHash: 'hash' });
  const lines: string[] = [];
  for await (const line of exportLines(source.transfer(), box)) lines.push(line);
  await source.close();
  exportFile = join(dir, 'export.jsonl');
  writeFileSync(exportFile, `${lines.join('\n')}\n`);
  // The same account twice: the file is well formed, the store's unique index refuses it.
  const accountLine = lines.findIndex((line) => line.startsWith('{"table":"accounts"'));
  const end = JSON.parse(lines.at(-1)!) as { counts: Record<string, number> };
  end.counts.accounts! += 1;
  twiceFile = join(dir, 'twice.jsonl');
  writeFileSync(twiceFile, `${[...lines.slice(0, -1), lines[accountLine]!, JSON.stringify(end)].join('\n')}\n`);
});

/** Runs `twofold db import` against the store, as the CLI would with MONGODB_URI set. */
async function importInto(store: MongoStore, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line), readStdin: async () => '', env: {} };
  const runtime = async () => ({ store, keys: { encryptionKey, cookieKeys: [], jwks: { keys: [] } }, config: { mongodbUri: 'mongodb://db.example/twofold', dataDir: tempDir() } }) as unknown as Runtime;
  const code = await dbCommand(runtime, ['import', ...argv], io);
  return { code, out, err };
}

/** The stand-in answering as a replica set member, with sessions whose transaction is all or
 * nothing over the stand-in's documents (what MongoDB's transaction gives; checked for real below). */
function asReplicaSet(store: MongoStore & { db: StandInDb }) {
  const used: string[] = [];
  store.db.command = async () => ({ ok: 1, setName: 'rs0' });
  Object.assign((store.connection as unknown as { client: object }).client, {
    startSession: () => ({
      async withTransaction(write: () => Promise<void>) {
        used.push('transaction');
        const saved = [...store.db.collections_.values()].map((c) => [c, structuredClone(c.docs)] as const);
        try {
          await write();
        } catch (error) {
          for (const [collection, docs] of saved) collection.docs = docs;
          throw error;
        }
      },
      async endSession() {
        used.push('ended');
      },
      inTransaction: () => true,
    }),
  });
  return used;
}

test('a standalone server is refused, saying why and what to do, and nothing is written', async () => {
  const store = await openStandInMongoStore(Date.now, box);
  const result = await importInto(store, [exportFile]);
  expect(result).toMatchObject({ code: 1, out: [] });
  expect(result.err).toEqual([
    'error: MongoDB (MONGODB_URI): this MongoDB server is standalone (not a replica set), which has no transactions: an import that failed part way would leave part of the data behind',
    'error: import into a replica set (a single-member one will do), or pass --no-transaction to import without one',
    'nothing was imported',
  ]);
  expect(await store.transfer().isEmpty()).toBe(true);
  await store.close();
});

test('with --no-transaction a standalone server takes the import; a refused record says it stopped part way', async () => {
  const store = await openStandInMongoStore(Date.now, box);
  const result = await importInto(store, [exportFile, '--no-transaction']);
  expect(result).toMatchObject({ code: 0, err: [] });
  expect(result.out[0]).toMatch(/^imported \d+ records into MongoDB \(MONGODB_URI\): accounts 2, account_groups 1, credentials 1, /);
  expect((await store.accounts.findByUsername('alice'))?.groups).toEqual(['staff']);
  await store.close();

  const other = await openStandInMongoStore(Date.now, box);
  const twice = await importInto(other, [twiceFile, '--no-transaction']);
  expect(twice.code).toBe(1);
  expect(twice.err).toEqual([expect.stringMatching(/^error: MongoDB \(MONGODB_URI\) refused a record: E11000 duplicate key/), 'the import stopped part way: drop the database, run `twofold db migrate`, and import again']);
  expect(await other.transfer().isEmpty()).toBe(false);
  await other.close();
});

test('on a replica set the import is one transaction: a refused record leaves the store empty; a good file is all there', async () => {
  const store = await openStandInMongoStore(Date.now, box);
  const used = asReplicaSet(store);
  const twice = await importInto(store, [twiceFile]);
  expect(twice.code).toBe(1);
  expect(twice.err).toEqual([expect.stringMatching(/refused a record: E11000 duplicate key/), 'nothing was imported']);
  expect(await store.transfer().isEmpty()).toBe(true);
  const imported = await importInto(store, [exportFile]);
  expect(imported).toMatchObject({ code: 0, err: [] });
  expect(used).toEqual(['transaction', 'ended', 'transaction', 'ended']);
  expect((await store.accounts.list()).map((a) => a.username).sort()).toEqual(['alice', 'bob']);
  await store.close();
});

describeOnMongo('db import into MongoDB', () => {
  test('on the replica set, a file with a record MongoDB refuses imports nothing (one transaction)', async () => {
    const store = await openMongoTestStore(Date.now, { box });
    try {
      const twice = await importInto(store, [twiceFile]);
      expect(twice.err).toEqual([expect.stringMatching(/refused a record: .*E11000 duplicate key/), 'nothing was imported']);
      expect(await store.transfer().isEmpty()).toBe(true);
      expect(await importInto(store, [exportFile])).toMatchObject({ code: 0, err: [] });
      expect((await store.accounts.list()).length).toBe(2);
    } finally {
      await store.close();
    }
  });
});
