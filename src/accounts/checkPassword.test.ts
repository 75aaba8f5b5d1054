import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tempDir.js';
import { createSecretBox } from '../crypto/secretBox.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { checkPassword } from './checkPassword.js';
import { createAccount } from './createAccount.js';
import { normalizeUsername } from './validate.js';
import { hashPassword, passwordHashOptions } from './password.js';
import argon2 from 'argon2';

const store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)) });
afterAll(() => store.close());

const check = async (username: string, password: string) => checkPassword(store.accounts, await store.accounts.findByUsername(normalizeUsername(username)), password);

test('the right password signs in whatever the case of the username', async () => {
  const account = await createAccount(store.accounts, { username: 'Dana', password: 'a long enough password' });
  expect(account.username).toBe('dana');
  expect(await check('DANA', 'a long enough password')).toEqual({ ok: true, account });
  expect(await check('dana', 'a long enough passwor')).toMatchObject({ ok: false, reason: 'wrong_password' });
});

test('passwords are stored as argon2id hashes at the OWASP cost', async () => {
  const { id } = await createAccount(store.accounts, { username: 'erin', password: 'a long enough password' });
  expect(await store.accounts.passwordHash(id)).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
});

test('a hash made with weaker parameters is replaced on the next sign-in', async () => {
  const { id } = await createAccount(store.accounts, { username: 'frank', password: 'a long enough password' });
  await store.accounts.setPasswordHash(id, await argon2.hash('a long enough password', { ...passwordHashOptions, memoryCost: 8192 }));
  expect((await check('frank', 'a long enough password')).ok).toBe(true);
  expect(await store.accounts.passwordHash(id)).toMatch(/m=19456,p=1,t=2/);
});

test('an unknown user costs the same time as a wrong password', async () => {
  await createAccount(store.accounts, { username: 'gina', password: 'a long enough password' });
  await hashPassword('warm up');
  const median = async (username: string) => {
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const start = process.hrtime.bigint();
      await check(username, 'wrong password guess');
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return times.sort((a, b) => a - b)[3]!;
  };
  const known = await median('gina');
  const unknown = await median('nobody-by-this-name');
  // Both paths run one argon2 verification (tens of ms); a skipped one would be ~0 ms.
  expect(unknown / known).toBeGreaterThan(0.6);
  expect(unknown / known).toBeLessThan(1.6);
});
