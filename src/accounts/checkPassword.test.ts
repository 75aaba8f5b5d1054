import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tempDir.js';
import { createSecretBox } from '../crypto/secretBox.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { checkPassword } from './checkPassword.js';
import { createAccount } from './createAccount.js';
import { normalizeUsername } from './validate.js';
import { hashPassword, passwordNeedsRehash, verifyPassword } from './password.js';

const store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)) });
afterAll(() => store.close());

const check = async (username: string, password: string) => checkPassword(store.accounts, await store.accounts.findByUsername(normalizeUsername(username)), password);

test('the right password signs in whatever the case of the username', async () => {
  const account = await createAccount(store.accounts, { username: 'Dana', password: 'a long enough password' });
  expect(account.username).toBe('dana');
  expect(await check('DANA', 'a long enough password')).toEqual({ ok: true, account });
  expect(await check('dana', 'a long enough passwor')).toMatchObject({ ok: false, reason: 'wrong_password' });
});

/** Hashes written by the `argon2` package, which Twofold used before @node-rs/argon2 (it orders the parameters m, p, t). */
const earlierLibrary = {
  current: '$argon2id$v=19$m=19456,p=1,t=2$cLAt6SvPSSt6gY97HIsOlg$q4s2XrvzzW5fN6GP0WfUQq33h66aU0Q4JTqC11jzdbg',
  weaker: '$argon2id$v=19$m=8192,p=1,t=2$Kgpr+XJwHTRGpLoLzBCFWQ$LOb9KW4q4p+18uDqa16BO9tfFpRFsORJyKAxJGVOMmw',
  /** Of 'Ångström password' after NFKC normalisation. */
  normalized: '$argon2id$v=19$m=19456,p=1,t=2$ddZFGtdXVpdaSN/qQcZMpw$XhtnI+i6O2Hs7RYK2+2LYRVKquX6x4I3W6JH14tVjSc',
};

test('passwords are stored as argon2id hashes at the OWASP cost', async () => {
  const { id } = await createAccount(store.accounts, { username: 'erin', password: 'a long enough password' });
  const stored = await store.accounts.passwordHash(id);
  expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  expect(passwordNeedsRehash(stored!)).toBe(false);
});

test('a hash made by the earlier library signs in and is kept as it is', async () => {
  const { id } = await createAccount(store.accounts, { username: 'hana', password: 'another long password' });
  await store.accounts.setPasswordHash(id, earlierLibrary.current);
  expect(await check('hana', 'a long enough passwor')).toMatchObject({ ok: false, reason: 'wrong_password' });
  expect((await check('hana', 'a long enough password')).ok).toBe(true);
  // Same algorithm and parameters: nothing to rehash, whatever order the parameters are written in.
  expect(await store.accounts.passwordHash(id)).toBe(earlierLibrary.current);
  expect(await verifyPassword(earlierLibrary.normalized, 'A\u030Angstro\u0308m password')).toBe(true);
});

test('a hash made with weaker parameters is replaced on the next sign-in', async () => {
  const { id } = await createAccount(store.accounts, { username: 'frank', password: 'a long enough password' });
  await store.accounts.setPasswordHash(id, earlierLibrary.weaker);
  expect((await check('frank', 'a long enough password')).ok).toBe(true);
  const rehashed = await store.accounts.passwordHash(id);
  expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect((await check('frank', 'a long enough password')).ok).toBe(true);
});

test('something that is not an argon2 hash never matches and is due for a rehash', async () => {
  expect(await verifyPassword('not a hash', 'a long enough password')).toBe(false);
  expect(passwordNeedsRehash('not a hash')).toBe(true);
  expect(passwordNeedsRehash(earlierLibrary.weaker)).toBe(true);
});

test('an unknown user costs the same time as a wrong password', async () => {
  await createAccount(store.accounts, { username: 'gina', password: 'a long enough password' });
  await hashPassword('warm up');
  const time = async (username: string) => {
    const start = process.hrtime.bigint();
    await check(username, 'wrong password guess');
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  // Interleaved, so whatever else the machine is doing weighs on both paths alike.
  const known: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 11; i++) {
    known.push(await time('gina'));
    unknown.push(await time('nobody-by-this-name'));
  }
  const median = (times: number[]) => times.sort((a, b) => a - b)[5]!;
  // Both paths run one argon2 verification (several ms); a skipped one would be well under 1 ms.
  expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
  expect(median(unknown) / median(known)).toBeLessThan(2);
  expect(median(unknown)).toBeGreaterThan(2);
});
