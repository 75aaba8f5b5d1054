// `twofold user bypass`: the console's one-time bypass from the server's command line, with the
// same rules (5 minutes unless told, at most 30) and the operating-system user as actor.
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = tempDir();
  expect((await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin'], 'correct horse battery')).code).toBe(0);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

test('issues a bypass for 5 minutes by default, or as many as asked up to 30, audited with who ran it', async () => {
  const before = Date.now();
  const issued = await twofold(dataDir, ['user', 'bypass', 'alice']);
  expect(issued.code).toBe(0);
  const until = Date.parse(/until (\S+)$/.exec(issued.out[0]!)![1]!);
  expect(until - before).toBeGreaterThanOrEqual(5 * 60_000 - 1000);
  expect(until - before).toBeLessThan(5 * 60_000 + 5000);
  expect((await twofold(dataDir, ['user', 'bypass', 'alice', '--minutes', '30'])).code).toBe(0);
  await withStore(dataDir, async (store) => {
    const events = (await store.audit.tail({ limit: 20 })).filter((event) => event.type === 'bypass.issue');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ username: 'alice', actor: `cli:${userInfo().username}`, reason: 'the next sign-in within 30 minutes skips the second factor' });
  });
});

test('refuses minutes outside 1 to 30 and unknown people, issuing nothing', async () => {
  expect(await twofold(dataDir, ['user', 'bypass', 'alice', '--minutes', '31'])).toMatchObject({ code: 1, err: ['error: user bypass: --minutes: must be from 1 to 30'] });
  expect(await twofold(dataDir, ['user', 'bypass', 'carol'])).toMatchObject({ code: 1, err: ["error: user bypass: there is no user 'carol'"] });
  await withStore(dataDir, async (store) => {
    expect((await store.audit.tail({ limit: 20 })).filter((event) => event.type === 'bypass.issue')).toEqual([]);
  });
});
