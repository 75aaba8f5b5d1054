// NIST SP 800-63B: a new password is checked against a list of commonly used ones, at
// `user add` and `user set-password`, with a message that says why; nothing is written.
import { rmSync } from 'node:fs';
import { withStore } from '../helpers/storeAccess.js';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';

let dataDir: string;
beforeEach(() => {
  dataDir = tempDir();
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const why = 'error: password: this password is on the list of the most commonly used passwords, which attackers try first: choose another (a few unrelated words make a good one)';

test('user add refuses a common password, says why, and adds nobody', async () => {
  expect(await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin'], 'Password1\n')).toEqual({ code: 1, out: [], err: [why] });
  expect((await twofold(dataDir, ['user', 'list'])).out).toEqual(['no users']);
  expect(await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin'], 'alice\n')).toMatchObject({ code: 1 });
  expect(await twofold(dataDir, ['user', 'add', 'margaret.h', '--password-stdin'], 'Margaret.H\n')).toEqual({ code: 1, out: [], err: ['error: password: a password must not be the username'] });
});

test('user set-password refuses a common password and keeps the old one', async () => {
  expect(await twofold(dataDir, ['user', 'add', 'bob', '--password-stdin'], 'correct horse battery\n')).toMatchObject({ code: 0 });
  let before: string | undefined;
  await withStore(dataDir, async (store) => {
    before = await store.accounts.passwordHash((await store.accounts.findByUsername('bob'))!.id);
  });
  expect(await twofold(dataDir, ['user', 'set-password', 'bob', '--password-stdin'], 'trustno1\n')).toEqual({ code: 1, out: [], err: [why] });
  await withStore(dataDir, async (store) => {
    expect(await store.accounts.passwordHash((await store.accounts.findByUsername('bob'))!.id)).toBe(before);
  });
});
