// Reads memoised per request: once within a request, never across requests, forgotten on a write.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '../../src/crypto/secretBox.js';
import { memoisePerRequest, withRequestMemo } from '../../src/store/requestMemo.js';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/index.js';

let dir: string;
let shared: SqliteStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twofold-memo-'));
  shared = await openSqliteStore({ file: join(dir, 'twofold.db'), box: createSecretBox(randomBytes(32)) });
});
afterEach(async () => {
  await shared.close();
  rmSync(dir, { recursive: true, force: true });
});

it('reads an account once per request, and afresh in the next request', async () => {
  const store = memoisePerRequest(shared);
  const { id } = await shared.accounts.create({ username: 'alice', passwordHash: 'h', displayName: 'Alice' });
  await withRequestMemo(async () => {
    const first = await store.accounts.findById(id);
    // Another worker renames her meanwhile: this request keeps the account it started with.
    await shared.accounts.updateProfile(id, { displayName: 'Alice L.' });
    expect(await store.accounts.findById(id)).toBe(first);
  });
  await withRequestMemo(async () => {
    expect((await store.accounts.findById(id))?.displayName).toBe('Alice L.');
  });
});

it("forgets a repository's reads when the request writes through it", async () => {
  const store = memoisePerRequest(shared);
  const { id } = await shared.accounts.create({ username: 'alice', passwordHash: 'h' });
  await withRequestMemo(async () => {
    expect((await store.accounts.findById(id))?.disabled).toBe(false);
    await store.accounts.setDisabled(id, true);
    expect((await store.accounts.findById(id))?.disabled).toBe(true);
  });
});

it('memoises nothing outside a request', async () => {
  const store = memoisePerRequest(shared);
  const { id } = await shared.accounts.create({ username: 'alice', passwordHash: 'h', displayName: 'Alice' });
  expect((await store.accounts.findById(id))?.displayName).toBe('Alice');
  await shared.accounts.updateProfile(id, { displayName: 'Alice L.' });
  expect((await store.accounts.findById(id))?.displayName).toBe('Alice L.');
  expect(await store.clients.find('nobody')).toBeUndefined();
});
