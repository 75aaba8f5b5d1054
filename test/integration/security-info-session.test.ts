// The security-info page's session is held by the server: a copy of its cookie stops working
// after sign-out, after 15 minutes whatever the browser does, and when the provider session
// it came from ends.
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { policy: 'version: 1\ndefaults: { require: mfa, methods: [totp] }\nrules: []\n' });
});
afterAll(() => server.stop());

const callback = () => `${server.issuer}/account/callback`;

let people = 0;
/** A person with an authenticator app, signed in to their security info in a browser. */
async function signedIn(): Promise<{ agent: UserAgent; page: Page; id: string }> {
  const username = `session${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  const agent = new UserAgent(server.issuer);
  const login = await agent.follow('/account/security', callback());
  const code = await agent.submit(login, /\/login$/, { username, password }, callback());
  const back = await enterCode(agent, code, await appCode(server, secret), callback());
  const page = await agent.follow(back.location!);
  expect(page.html).toContain(`Signed in as <strong>${username}</strong>`);
  // The code just used is spent.
  server.clock.advance(30_000);
  return { agent, page, id };
}

/** What a request with only the copied security-info cookie gets: the page, or a trip to sign in. */
async function opens(thief: UserAgent): Promise<boolean> {
  const response = await thief.get('/account/security');
  if (response.status === 200) return true;
  expect(response.status).toBe(302);
  expect(response.location).toMatch(new RegExp(`^${server.issuer}/auth\\?`));
  return false;
}

test('the copied cookie opens the page while the session lasts (the baseline for the tests below)', async () => {
  const { agent } = await signedIn();
  expect(await opens(agent.copy(['twofold.account', 'twofold.account.sig']))).toBe(true);
});

test('a copy of the cookie taken before sign-out no longer opens the page, nor forgets devices', async () => {
  const { agent, page, id } = await signedIn();
  await server.store.devices.add({ accountId: id, tokenHash: `hash-${id}`, method: 'totp', label: 'A browser', createdAt: server.clock.now(), expiresAt: server.clock.now() + 86_400_000, methodsVersion: 0 });
  const thief = agent.copy();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;

  const signOut = await agent.submit(page, '/account/signout');
  expect(signOut.html).toContain('<h1>Signing you out</h1>');
  expect(await opens(thief.copy(['twofold.account', 'twofold.account.sig']))).toBe(false);
  const forgetAll = await thief.post('/account/security/devices/forget-all', { csrf });
  expect(forgetAll.status).toBe(302);
  expect(await server.store.devices.list(id)).toHaveLength(1);
});

test('the session ends on the server after 15 minutes, whatever the browser keeps', async () => {
  const { agent } = await signedIn();
  const copy = agent.copy(['twofold.account', 'twofold.account.sig']);
  server.clock.advance(14 * 60_000);
  expect(await opens(copy)).toBe(true);
  server.clock.advance(61_000);
  expect(await opens(copy)).toBe(false);
});

test('the session ends when the provider session it came from ends', async () => {
  const { agent } = await signedIn();
  const copy = agent.copy(['twofold.account', 'twofold.account.sig']);
  // Signing out of Twofold from anywhere (here, the provider's own sign-out page).
  const confirm = await agent.follow('/session/end');
  expect(confirm.html).toContain('Sign out of Twofold?');
  await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' });
  expect(await opens(copy)).toBe(false);
});

test("the session ends when an administrator ends the account's sessions", async () => {
  const { agent, id } = await signedIn();
  await server.store.endAccountSessions(id);
  expect(await opens(agent)).toBe(false);
});
