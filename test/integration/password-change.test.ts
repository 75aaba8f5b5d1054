// "Change password" on security info (issue 14, point 3): behind a fresh verification, the
// current password regulated like a sign-in, the new one held to the rules accounts are created
// with; afterwards every other sign-in of the account ends, remembered devices are forgotten,
// the change is audited, and the page says so once.
import * as oidc from 'openid-client';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, noticeText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
const newPassword = 'violet kettle under seven bridges';
let server: TestServer;
let rp: RelyingParty;
// Security info needs only a password from the office group (as in security-info.test.ts).
const policy = `${policies.mfaForAll}`.replace('rules: []', `rules:
  - name: security info for the office
    when: { clients: [twofold-account], groups: [office] }
    require: none`);
beforeAll(async () => {
  expect(policy).toContain('security info for the office');
  server = await startTestServer({ lockoutThreshold: 3 }, { policy });
  rp = await createRelyingParty(server, { clientId: 'mail' });
});
afterAll(() => server.stop());

const callback = () => `${server.issuer}/account/callback`;
let people = 0;
async function person(username = `pw${++people}`) {
  const { id } = await createAccount(server.store.accounts, { username, password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  return { username, id, secret };
}

/** A browser signed in to the mail application (password and code, "don't ask again"), with its refresh token. */
async function signedInBrowser(username: string, secret: string) {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password, { scope: 'openid offline_access', prompt: 'consent' });
  server.clock.advance(30_000);
  const done = await enterCode(agent, page, await appCode(server, secret), rp.redirectUri, { remember: 'yes' });
  const tokens = await rp.finish(done.location!, checks);
  expect(tokens.refresh_token).toBeDefined();
  return { agent, refreshToken: tokens.refresh_token! };
}

/** Security info in a browser already signed in: no password asked again within the session. */
async function openSecurityInfo(agent: UserAgent): Promise<Page> {
  const page = await agent.follow('/account/security', callback());
  return page.location?.startsWith(callback()) ? agent.follow(page.location) : page;
}

const openPasswordPage = async (agent: UserAgent, page: Page) => {
  // A button on the page that opens a page of its own.
  expect(page.html).toContain('<form method="get" action="/account/security/password">');
  const form = await agent.follow('/account/security/password');
  expect(form.html).toContain('<h1>Change your password</h1>');
  return form;
};

test('a person changes their password: other sign-ins end, remembered devices are forgotten, this browser stays signed in', async () => {
  const { username, id, secret } = await person();
  const here = await signedInBrowser(username, secret);
  const there = await signedInBrowser(username, secret);
  expect(await server.store.devices.list(id)).toHaveLength(2);
  // The other browser has security info open too.
  expect((await openSecurityInfo(there.agent)).html).toContain('<h1>Security info</h1>');

  const info = await openSecurityInfo(here.agent);
  expect(info.html).toContain('<h1>Security info</h1>');
  const form = await openPasswordPage(here.agent, info);
  const changed = await here.agent.submit(form, '/account/security/password', { current: password, password: newPassword, confirm: newPassword });
  expect(changed.url).toBe(`${server.issuer}/account/security`);
  expect(noticeText(changed.html)).toBe('Your password has changed. You were signed out everywhere else, and remembered devices will be asked for a second factor again.');
  // Shown once: a reload does not bring it back.
  expect(noticeText((await here.agent.follow('/account/security')).html)).toBeUndefined();

  // Hashed like every password, and the old one no longer signs in.
  expect(await server.store.accounts.passwordHash(id)).toMatch(/^\$argon2id\$/);
  const oldOne = await signInWithPassword(new UserAgent(server.issuer), rp, username, password);
  expect(alertText(oldOne.page.html)).toBe('Your username or password is incorrect.');
  const newOne = await signInWithPassword(new UserAgent(server.issuer), rp, username, newPassword);
  expect(newOne.page.html).toContain('Verify your identity');

  // The other browser: its session and its refresh token are gone.
  await expect(oidc.refreshTokenGrant(rp.config, there.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  expect((await there.agent.follow('/account/security', callback())).html).toContain('<h1>Sign in</h1>');
  const { url } = await rp.begin();
  expect((await there.agent.follow(url, rp.redirectUri)).html).toContain('<h1>Sign in</h1>');
  // This browser: still signed in, here and at the application; its device is asked again like every other.
  expect((await here.agent.follow('/account/security', callback())).html).toContain('<h1>Security info</h1>');
  expect((await oidc.refreshTokenGrant(rp.config, here.refreshToken)).access_token).toBeDefined();
  expect(await server.store.devices.list(id)).toEqual([]);

  const events = (await server.store.audit.tail({ accountId: id, limit: 30 })).filter((event) => event.type === 'password.change');
  expect(events).toEqual([expect.objectContaining({ result: 'ok', clientId: 'twofold-account', reason: expect.stringMatching(/other sign-ins ended \(\d+ records\), 2 remembered device\(s\) forgotten/) })]);
});

test('a new password is held to the rules accounts are created with, and a refused one changes nothing', async () => {
  const { username, id, secret } = await person('pat.rules');
  const { agent } = await signedInBrowser(username, secret);
  const form = await openPasswordPage(agent, await openSecurityInfo(agent));
  const before = await server.store.accounts.passwordHash(id);
  const cases: Array<[Record<string, string>, string]> = [
    [{ current: password, password: 'short', confirm: 'short' }, 'A password must have at least 8 characters.'],
    [{ current: password, password: 'password123', confirm: 'password123' }, 'This password is on the list of the most commonly used passwords, which attackers try first: choose another (a few unrelated words make a good one).'],
    [{ current: password, password: 'Twofold2025!', confirm: 'Twofold2025!' }, 'This password is on the list of the most commonly used passwords, which attackers try first: choose another (a few unrelated words make a good one).'],
    [{ current: password, password: 'PAT.RULES', confirm: 'PAT.RULES' }, 'A password must not be the username.'],
    [{ current: password, password: 'x'.repeat(257), confirm: 'x'.repeat(257) }, 'A password must have at most 256 characters.'],
    [{ current: password, password: newPassword, confirm: `${newPassword}!` }, 'The two new passwords are not the same. Type the new password twice.'],
    [{ current: '', password: newPassword, confirm: newPassword }, 'Enter your current password, and your new password twice.'],
    [{ current: password, password, confirm: password }, 'Your new password is the same as your current one. Choose another.'],
  ];
  for (const [fields, message] of cases) {
    const refused = await agent.submit(form, '/account/security/password', fields);
    expect([refused.status, alertText(refused.html)]).toEqual([400, message]);
    // The page stays, to try again; nothing typed is sent back.
    expect(refused.html).toContain('<h1>Change your password</h1>');
    expect(refused.html).not.toContain(fields.password);
  }
  expect(await server.store.accounts.passwordHash(id)).toBe(before);
  expect((await server.store.audit.tail({ accountId: id, limit: 30 })).some((event) => event.type === 'password.change')).toBe(false);
  // A "current password" longer than any password can be is simply wrong, and counted as such.
  const long = await agent.submit(form, '/account/security/password', { current: 'x'.repeat(2000), password: newPassword, confirm: newPassword });
  expect([long.status, alertText(long.html)]).toEqual([401, 'Your current password is incorrect.']);
  expect(await server.store.attempts.get(`password:${id}`)).toMatchObject({ failures: 1 });
  expect(await server.store.accounts.passwordHash(id)).toBe(before);
});

test('a wrong current password counts like a failed sign-in: enough of them lock the password, here and at sign-in', async () => {
  const { username, id, secret } = await person();
  const { agent } = await signedInBrowser(username, secret);
  const form = await openPasswordPage(agent, await openSecurityInfo(agent));
  const before = await server.store.accounts.passwordHash(id);
  for (let attempt = 0; attempt < 3; attempt++) {
    const wrong = await agent.submit(form, '/account/security/password', { current: 'not my password', password: newPassword, confirm: newPassword });
    expect([wrong.status, alertText(wrong.html)]).toEqual([401, 'Your current password is incorrect.']);
  }
  // Locked now: even the right password is refused, here and on the sign-in page.
  const locked = await agent.submit(form, '/account/security/password', { current: password, password: newPassword, confirm: newPassword });
  expect(locked.status).toBe(429);
  expect(alertText(locked.html)).toMatch(/^Too many failed attempts\. Try again in \d+ minutes\.$/);
  const signIn = await signInWithPassword(new UserAgent(server.issuer), rp, username, password);
  expect(alertText(signIn.page.html)).toMatch(/^Too many failed attempts\./);
  expect(await server.store.accounts.passwordHash(id)).toBe(before);
  const failures = (await server.store.audit.tail({ accountId: id, limit: 30 })).filter((event) => event.type === 'password.change').map((event) => `${event.result} ${event.reason}`);
  expect(failures).toEqual(['fail wrong current password', 'fail wrong current password', 'fail wrong current password', expect.stringMatching(/^fail locked/)]);
});

test('changing the password needs a whole sign-in, not a session with a password alone, and a form token', async () => {
  const { username, id, secret } = await person('pat.office');
  await server.store.accounts.setGroups(id, ['office']);
  const agent = new UserAgent(server.issuer);
  // The office rule lets security info open with a password alone.
  let page = await agent.follow('/account/security', callback());
  page = await agent.submit(page, /\/login$/, { username, password }, callback());
  page = await agent.follow(page.location!);
  expect(page.html).toContain('<h1>Security info</h1>');
  const before = await server.store.accounts.passwordHash(id);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
  expect((await agent.post('/account/security/password', { current: password, password: newPassword, confirm: newPassword })).status).toBe(403);
  // A form posted without a whole sign-in changes nothing: it is sent to sign in...
  const posted = await agent.post('/account/security/password', { csrf, current: password, password: newPassword, confirm: newPassword });
  expect(posted.status).toBe(302);
  const signIn = new URL(posted.location!);
  expect([signIn.pathname, signIn.searchParams.get('prompt'), signIn.searchParams.get('acr_values')]).toEqual(['/auth', 'login', 'https://refeds.org/profile/mfa']);
  expect(await server.store.accounts.passwordHash(id)).toBe(before);
  // ...and the page asks for one (password and second factor) before it shows the form.
  const verify = await agent.follow('/account/security/password', callback());
  expect(verify.html).toContain('<h1>Sign in</h1>');

  // After the whole sign-in, the person is back on the password page, told once that they verified.
  const code = await agent.submit(verify, /\/login$/, { username, password }, callback());
  const back = await agent.follow((await enterCode(agent, code, await appCode(server, secret), callback())).location!);
  expect(back.url).toBe(`${server.issuer}/account/security/password`);
  expect(noticeText(back.html)).toBe("You've verified it's you: you can change your methods for the next 10 minutes.");
  const changed = await agent.submit(back, '/account/security/password', { current: password, password: newPassword, confirm: newPassword });
  expect(noticeText(changed.html)).toMatch(/^Your password has changed\./);
});
