import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../../test/helpers/tempDir.js';
import { createSecretBox } from '../crypto/secretBox.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { appPasswordLimit, createAppPassword, findAppPassword, generateAppPassword, groupedAppPassword, normalizeAppPassword } from './appPasswords.js';

test('app passwords are 16 lowercase letters, shown in groups of four, typed in any case with or without spaces', () => {
  const passwords = new Set(Array.from({ length: 200 }, generateAppPassword));
  expect(passwords.size).toBe(200);
  for (const password of passwords) expect(password).toMatch(/^[a-z]{16}$/);
  expect(groupedAppPassword('abcdefghijklmnop')).toBe('abcd efgh ijkl mnop');
  expect(normalizeAppPassword(' ABCD efgh-ijkl mnop ')).toBe('abcdefghijklmnop');
  expect(normalizeAppPassword('abcdefghijklmno')).toBeUndefined();
  expect(normalizeAppPassword('abcdefghijklmno1')).toBeUndefined();
});

test('created hashed, found only by the right password, refused a name it cannot show and past the limit', async () => {
  const store = await openSqliteStore({ file: join(tempDir(), 'db'), box: createSecretBox(randomBytes(32)) });
  const { id: accountId } = await store.accounts.create({ username: 'alice', passwordHash: 'h' });
  expect(await createAppPassword(store.appPasswords, accountId, '  ')).toEqual({ ok: false, error: 'Give the app password a name, such as the app that will use it.' });
  expect(await createAppPassword(store.appPasswords, accountId, 'x'.repeat(65))).toEqual({ ok: false, error: 'The name can have at most 64 characters.' });
  const created = await createAppPassword(store.appPasswords, accountId, ' Mail ');
  if (!created.ok) throw new Error(created.error);
  expect(created.record).toMatchObject({ name: 'Mail', prefix: created.password.slice(0, 4) });
  expect(created.record.hash).toMatch(/^\$argon2id\$/);
  expect(created.record.hash).not.toContain(created.password);
  expect(await findAppPassword(store.appPasswords, accountId, groupedAppPassword(created.password))).toMatchObject({ id: created.record.id });
  const wrongEnd = created.password.slice(0, 15) + (created.password.endsWith('a') ? 'b' : 'a');
  expect(await findAppPassword(store.appPasswords, accountId, wrongEnd)).toBeUndefined();
  expect(await findAppPassword(store.appPasswords, 'someone-else', created.password)).toBeUndefined();
  for (let i = 1; i < appPasswordLimit; i++) await store.appPasswords.add({ accountId, name: `p${i}`, prefix: 'zzzz', hash: 'h' }, appPasswordLimit);
  expect(await createAppPassword(store.appPasswords, accountId, 'One too many')).toEqual({ ok: false, error: 'You have 40 app passwords, the most an account may have. Revoke one you no longer use first.' });
  await store.close();
});
