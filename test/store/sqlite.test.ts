import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { openDatabase } from '../../src/store/sqlite/database.js';
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
  const store = openSqliteStore({ file, box: createSecretBox(randomBytes(32)), now });
  return {
    store,
    async rawContains(text) {
      return [file, `${file}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(text)));
    },
  };
});

describe('sqlite database', () => {
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
    const first = openSqliteStore({ file, box });
    await first.accounts.create({ username: 'kept', passwordHash: 'h' });
    await first.close();
    const second = openSqliteStore({ file, box });
    expect(await second.accounts.findByUsername('kept')).toBeDefined();
    await second.close();
  });
});
