// The one-time bypass over the real SQLite store: single use under racing sign-ins, expiry by
// Twofold's clock, one bypass per account, and the session it let in remembered.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSecretBox } from '../crypto/secretBox.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import { tempDir } from '../../test/helpers/tempDir.js';
import { bypasses } from './bypasses.js';

let dir: string;
let store: SqliteStore;
let clock = 1_700_000_000_000;
const now = () => clock;
beforeEach(async () => {
  dir = tempDir();
  store = await openSqliteStore({ file: join(dir, 'twofold.db'), box: createSecretBox(randomBytes(32)), now });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('of twenty sign-ins racing for one bypass, exactly one gets it, and only its session counts as bypassed', async () => {
  const bypass = bypasses(store.challenges, now, 3600);
  await bypass.issue('a1', 5, 'admin:root');
  const used = await Promise.all(Array.from({ length: 20 }, (_, i) => bypass.use('a1', 1000 + i)));
  const winners = used.flatMap((result, i) => (result ? [1000 + i] : []));
  expect(winners).toHaveLength(1);
  expect(used[winners[0]! - 1000]).toMatchObject({ issuedBy: 'admin:root' });
  for (let i = 0; i < 20; i++) expect(await bypass.usedFor('a1', 1000 + i)).toBe(1000 + i === winners[0]);
  expect(await bypass.pending('a1')).toBeUndefined();
});

test('a bypass past its minutes is neither pending nor usable, by Twofold\'s clock', async () => {
  const bypass = bypasses(store.challenges, now, 3600);
  await bypass.issue('a1', 5, 'admin:root');
  clock += 5 * 60_000 - 1;
  expect(await bypass.pending('a1')).toMatchObject({ issuedBy: 'admin:root' });
  clock += 2;
  expect(await bypass.pending('a1')).toBeUndefined();
  expect(await bypass.use('a1', 1)).toBeUndefined();
});

test('a new bypass replaces the earlier one; one account\'s bypass is not another\'s; a withdrawn one is gone', async () => {
  const bypass = bypasses(store.challenges, now, 3600);
  await bypass.issue('a1', 5, 'admin:first');
  await bypass.issue('a1', 30, 'admin:second');
  expect(await bypass.pending('a1')).toMatchObject({ issuedBy: 'admin:second', expiresAt: clock + 30 * 60_000 });
  expect(await bypass.use('a2', 1)).toBeUndefined();
  expect(await bypass.revoke('a1')).toBe(true);
  expect(await bypass.revoke('a1')).toBe(false);
  expect(await bypass.use('a1', 1)).toBeUndefined();
});
