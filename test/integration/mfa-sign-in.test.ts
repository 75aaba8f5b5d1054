// Password then authenticator-app code, with openid-client as the relying party: enrollment
// on first sign-in, the real amr, single use of codes (also when racing), and lockout.
import { createAccount } from '../../src/accounts/createAccount.js';
import { acrMfa } from '../../src/provider/acr.js';
import { appCode, enrollApp, enterCode, setupKey } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;

beforeAll(async () => {
  server = await startTestServer({}, { policy: policies.mfaForAll });
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

let people = 0;
/** A new person, enrolled through their first sign-in; returns their app's secret. */
async function enrolledPerson() {
  const username = `person${++people}`;
  const account = await createAccount(server.store.accounts, { username, password });
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  const { secret } = await enrollApp(agent, intro, server, rp.redirectUri);
  return { username, account, secret };
}

/** A fresh browser, past the password, at the code page. */
async function atCodePage(username: string) {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password);
  expect(page.html).toContain('<h1>Verify your identity</h1>');
  return { agent, page, checks };
}

test('the first sign-in asks for more information, sets up the app with one proof, and yields pwd, otp and mfa', async () => {
  const { id } = await createAccount(server.store.accounts, { username: 'first-timer', password });
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, 'first-timer', password);
  expect(intro.url).toMatch(/\/interaction\/[\w-]+\/mfa\/enroll$/);
  expect(intro.html).toContain('<h1>More information required</h1>');
  expect(intro.html).toContain('Set it up now');

  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, {}, rp.redirectUri);
  expect(setup.html).toContain('<h1>Set up your authenticator app</h1>');
  expect(setup.html).toContain('src="data:image/png;base64,');
  const wrong = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: '000000' }, rp.redirectUri);
  expect(wrong.status).toBe(401);
  expect(alertText(wrong.html)).toBe("That code didn't work. Check the code and try again.");
  expect(await server.store.credentials.list(id)).toEqual([]);

  const { done } = await enrollApp(agent, intro, server, rp.redirectUri, 'Work phone');
  const tokens = await rp.finish(done.location!, checks);
  expect(tokens.claims()).toMatchObject({ sub: id, amr: ['pwd', 'otp', 'mfa'], acr: acrMfa });
  expect((await server.store.credentials.list(id)).map((c) => [c.method, c.label, c.isDefault])).toEqual([['totp', 'Work phone', true]]);
});

test('the same setup submitted twice at once saves one method', async () => {
  const { id } = await createAccount(server.store.accounts, { username: 'double-clicker', password });
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, 'double-clicker', password);
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, {}, rp.redirectUri);
  const code = await appCode(server, setupKey(setup.html));
  const results = await Promise.all([1, 2, 3].map(() => agent.submit(setup, /\/mfa\/enroll\/finish$/, { code }, rp.redirectUri)));
  // One proof wins; the others are refused, or (once the winner is saved) sent on to its confirmation.
  expect(results.some((r) => r.url.endsWith('/mfa/done') && r.status === 200)).toBe(true);
  expect(results.every((r) => r.status < 500)).toBe(true);
  expect(await server.store.credentials.list(id)).toHaveLength(1);
});

test('a later sign-in asks for the code at once, and the tokens say which factors were used', async () => {
  const { username, account, secret } = await enrolledPerson();
  const { agent, page, checks } = await atCodePage(username);
  expect(page.html).toContain('Open your authenticator app');
  const back = await enterCode(agent, page, await appCode(server, secret), rp.redirectUri);
  const tokens = await rp.finish(back.location!, checks);
  expect(tokens.claims()).toMatchObject({ sub: account.id, amr: ['pwd', 'otp', 'mfa'], acr: acrMfa });
});

test('a wrong code gets one generic message and leaves no session behind', async () => {
  const { username, secret } = await enrolledPerson();
  const { agent, page } = await atCodePage(username);
  const wrong = await enterCode(agent, page, (Number(await appCode(server, secret)) ^ 1).toString().padStart(6, '0'), rp.redirectUri);
  expect(wrong.status).toBe(401);
  expect(alertText(wrong.html)).toBe("That code didn't work. Check the code and try again.");
  const malformed = await enterCode(agent, page, 'abc', rp.redirectUri);
  expect(alertText(malformed.html)).toBe("That code didn't work. Check the code and try again.");
  expect(agent.cookie('_session')).toBeUndefined();
});

test('a code that was accepted once is refused the second time, even in another browser', async () => {
  const { username, secret } = await enrolledPerson();
  const code = await appCode(server, secret);
  const first = await atCodePage(username);
  expect((await enterCode(first.agent, first.page, code, rp.redirectUri)).location).toMatch(/\?code=/);
  const second = await atCodePage(username);
  const replayed = await enterCode(second.agent, second.page, code, rp.redirectUri);
  expect(replayed.status).toBe(401);
  expect(alertText(replayed.html)).toBe("That code didn't work. Check the code and try again.");
  const audit = await server.store.audit.tail({ limit: 50 });
  expect(audit.filter((e) => e.type === 'mfa.verify' && e.username === username).map((e) => [e.result, e.reason])).toEqual([['ok', null], ['fail', 'replayed']]);
});

test('the same code racing itself from two browsers is accepted once', async () => {
  const { username, secret } = await enrolledPerson();
  const code = await appCode(server, secret);
  const browsers = await Promise.all([atCodePage(username), atCodePage(username), atCodePage(username)]);
  const results = await Promise.all(browsers.map(({ agent, page }) => enterCode(agent, page, code, rp.redirectUri)));
  expect(results.filter((r) => r.location?.startsWith(rp.redirectUri))).toHaveLength(1);
  expect(results.filter((r) => r.status === 401)).toHaveLength(2);
});

test('ten wrong codes lock the second factor for 15 minutes, even against the right code; a success later resets', async () => {
  const { username, secret } = await enrolledPerson();
  const { agent, page } = await atCodePage(username);
  for (let i = 0; i < 10; i++) {
    expect((await enterCode(agent, page, '000000', rp.redirectUri)).status).toBe(401);
  }
  const locked = await enterCode(agent, page, await appCode(server, secret), rp.redirectUri);
  expect(locked.status).toBe(429);
  expect(alertText(locked.html)).toBe('Too many failed attempts. Try again in 15 minutes.');

  server.clock.advance(15 * 60_000);
  const later = await atCodePage(username);
  expect((await enterCode(later.agent, later.page, await appCode(server, secret), rp.redirectUri)).location).toMatch(/\?code=/);
  const reasons = (await server.store.audit.tail({ limit: 200 })).filter((e) => e.username === username && e.type === 'mfa.verify').map((e) => e.reason ?? 'ok');
  expect(reasons).toEqual([...Array(10).fill('wrong_code'), 'locked', 'ok']);
});
