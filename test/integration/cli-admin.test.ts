// An administrator's tools for one person: show, reset the second factor, groups, remove, and the
// lock state in `user list`; every change in the audit log with the operating-system user.
import { rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { generateSecret } from 'otplib';
import { twofold } from '../helpers/cli.js';
import { tempDir } from '../helpers/server.js';
import { withStore } from '../helpers/storeAccess.js';

let dataDir: string;
beforeEach(async () => {
  dataDir = tempDir();
  expect((await twofold(dataDir, ['user', 'add', 'alice', '--password-stdin', '--name', 'Alice', '--group', 'staff'], 'correct horse battery')).code).toBe(0);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const actor = `cli:${userInfo().username}`;
async function auditOf(type: string) {
  let events: { reason?: string | null; actor?: string | null }[] = [];
  await withStore(dataDir, async (store) => {
    events = (await store.audit.tail({ limit: 100 })).filter((event) => event.type === type);
  });
  return events;
}
async function giveMethods() {
  await withStore(dataDir, async (store) => {
    const alice = (await store.accounts.findByUsername('alice'))!;
    await store.credentials.add({ accountId: alice.id, method: 'totp', label: 'Phone', secret: generateSecret() });
    await store.credentials.add({ accountId: alice.id, method: 'recovery', defaultable: false, externalId: alice.id, data: { codes: [{ hash: 'x', usedAt: null }, { hash: 'y', usedAt: 1 }] } });
    await store.devices.add({ accountId: alice.id, tokenHash: 'h', method: 'totp', label: 'Chrome on Linux', createdAt: Date.now(), expiresAt: Date.now() + 86400_000, methodsVersion: 2 });
  });
}

test('user show tells an administrator what they need to help someone, without any secret', async () => {
  await giveMethods();
  const shown = await twofold(dataDir, ['user', 'show', 'ALICE']);
  expect(shown.code).toBe(0);
  expect(shown.out.join('\n')).toMatch(/user +alice \(Alice\)/);
  expect(shown.out).toEqual(expect.arrayContaining(['status     active', 'groups     staff', '2nd factor open', 'password   open', 'last sign-in none recorded', 'remembered devices 1']));
  expect(shown.out.some((line) => /Authenticator app \(Phone\) +yes/.test(line))).toBe(true);
  expect(shown.out.some((line) => line.includes('Recovery codes: 1 of 2 codes left'))).toBe(true);
  expect(await twofold(dataDir, ['user', 'show', 'bob'])).toMatchObject({ code: 1, err: ["error: user show: there is no user 'bob'"] });
});

test('user reset-mfa removes every method, recovery code and remembered device, and says who did it', async () => {
  await giveMethods();
  const reset = await twofold(dataDir, ['user', 'reset-mfa', 'alice']);
  expect(reset).toMatchObject({ code: 0, out: ["reset 'alice': 2 methods and 1 remembered devices removed, signed out everywhere; the next sign-in sets up a method again"] });
  await withStore(dataDir, async (store) => {
    const alice = (await store.accounts.findByUsername('alice'))!;
    expect(await store.credentials.list(alice.id)).toEqual([]);
    expect(await store.devices.list(alice.id)).toEqual([]);
  });
  expect((await twofold(dataDir, ['user', 'show', 'alice'])).out).toContain('methods    none: the next sign-in sets one up');
  expect(await auditOf('user.reset-mfa')).toMatchObject([{ actor, reason: expect.stringContaining('removed 2 methods') }]);
  expect((await twofold(dataDir, ['audit', 'tail'])).out.at(-1)).toMatch(/user\.reset-mfa ok user=alice .* by=cli:/);
});

test('user groups adds and removes groups, refuses a bad name and changes nothing then', async () => {
  expect(await twofold(dataDir, ['user', 'groups', 'alice', '--add', 'payroll', '--add', 'admins', '--remove', 'STAFF'])).toMatchObject({ code: 0, out: ["'alice' is in: payroll, admins"] });
  expect(await twofold(dataDir, ['user', 'groups', 'alice', '--add', 'no spaces'])).toMatchObject({ code: 1 });
  expect((await twofold(dataDir, ['user', 'groups', 'alice'])).out).toEqual(['admins\npayroll']);
  expect(await auditOf('user.groups')).toMatchObject([{ actor, reason: 'groups now: payroll, admins' }]);
});

test('user list shows a locked account as locked; user remove removes the person and keeps the audit history', async () => {
  await withStore(dataDir, async (store) => {
    const alice = (await store.accounts.findByUsername('alice'))!;
    await store.attempts.update(`mfa:${alice.id}`, () => ({ failures: 10, locks: 1, lockedUntil: Date.now() + 600_000, permanent: false }));
  });
  expect((await twofold(dataDir, ['user', 'list'])).out[1]).toMatch(/^alice .* locked$/);
  expect((await twofold(dataDir, ['user', 'show', 'alice'])).out).toContainEqual(expect.stringMatching(/^2nd factor locked until \d{4}-/));
  expect(await twofold(dataDir, ['user', 'unlock', 'alice'])).toMatchObject({ code: 0 });
  expect((await twofold(dataDir, ['user', 'list'])).out[1]).toMatch(/ active$/);
  expect(await twofold(dataDir, ['user', 'remove', 'alice'])).toMatchObject({ code: 0, out: ["removed user 'alice'"] });
  expect((await twofold(dataDir, ['user', 'list'])).out).toEqual(['no users']);
  expect((await auditOf('user.add')).concat(await auditOf('user.unlock'), await auditOf('user.remove')).map((event) => event.actor)).toEqual([actor, actor, actor]);
});
