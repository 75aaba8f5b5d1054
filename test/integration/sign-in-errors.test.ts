// Bad input at sign-in gets a clear answer and changes nothing.
import { createAccount } from '../../src/accounts/createAccount.js';
import { createRelyingParty, type RelyingParty } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, findForm, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
const generic = 'Your username or password is incorrect.';
let server: TestServer;
let rp: RelyingParty;

beforeAll(async () => {
  server = await startTestServer();
  await createAccount(server.store.accounts, { username: 'alice', password });
  const carol = await createAccount(server.store.accounts, { username: 'carol', password });
  await server.store.accounts.setDisabled(carol.id, true);
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

async function loginPage() {
  const agent = new UserAgent(server.issuer);
  const { url, checks } = await rp.begin();
  const page = await agent.follow(url);
  expect(page.html).toContain('<h1>Sign in</h1>');
  return { agent, page, checks };
}

/** After a refused attempt, the same interaction still asks for a password and no session exists. */
async function expectNothingChanged(agent: UserAgent, page: { url: string }) {
  expect(agent.cookie('_session')).toBeUndefined();
  const again = await agent.get(page.url);
  expect(again.html).toContain('<h1>Sign in</h1>');
}

test.each([
  ['a wrong password', 'alice', 'not the password'],
  ['an unknown user', 'mallory', password],
])('%s gets the generic message, keeps the username, and signs nobody in', async (_case, username, attempt) => {
  const { agent, page } = await loginPage();
  const refused = await agent.submit(page, /\/login$/, { username, password: attempt });
  expect(refused.status).toBe(401);
  expect(alertText(refused.html)).toBe(generic);
  expect(findForm(refused.html, /\/login$/).fields.username).toBe(username);
  await expectNothingChanged(agent, page);
});

test('a disabled account cannot sign in, and only the right password learns why', async () => {
  const { agent, page } = await loginPage();
  const wrong = await agent.submit(page, /\/login$/, { username: 'carol', password: 'not the password' });
  expect(alertText(wrong.html)).toBe(generic);
  const right = await agent.submit(page, /\/login$/, { username: 'carol', password });
  expect(right.status).toBe(401);
  expect(alertText(right.html)).toBe('This account is disabled. Contact your administrator.');
  await expectNothingChanged(agent, page);
});

test('an empty form asks for both fields', async () => {
  const { agent, page } = await loginPage();
  const refused = await agent.submit(page, /\/login$/, { username: '', password: '' });
  expect(refused.status).toBe(400);
  expect(alertText(refused.html)).toBe('Enter your username and password.');
});

test('a post without its CSRF token, or with another browser’s, is refused and changes nothing', async () => {
  const { agent, page } = await loginPage();
  const action = new URL(findForm(page.html, /\/login$/).action, page.url).href;
  const missing = await agent.post(action, { username: 'alice', password });
  expect(missing.status).toBe(403);
  expect(missing.html).toContain('This form has expired or did not come from this site.');

  const { page: otherPage } = await loginPage();
  const forged = await agent.post(action, { username: 'alice', password, csrf: findForm(otherPage.html, /\/login$/).fields.csrf! });
  expect(forged.status).toBe(403);
  await expectNothingChanged(agent, page);
});

test('a token from one sign-in does not work in another, even in the same browser', async () => {
  const agent = new UserAgent(server.issuer);
  const first = await agent.follow((await rp.begin()).url);
  const second = await agent.follow((await rp.begin()).url);
  const secondAction = new URL(findForm(second.html, /\/login$/).action, second.url).href;
  const swapped = await agent.post(secondAction, { username: 'alice', password, csrf: findForm(first.html, /\/login$/).fields.csrf! });
  expect(swapped.status).toBe(403);
  expect(agent.cookie('_session')).toBeUndefined();
});

test('a post that is not a form is refused', async () => {
  const { agent, page } = await loginPage();
  const response = await fetch(new URL(findForm(page.html, /\/login$/).action, page.url), {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: `twofold.csrf=${agent.cookie('twofold.csrf')}` }, body: '{}',
  });
  expect(response.status).toBe(415);
});

test('an unregistered redirect URI stops at an error page instead of redirecting', async () => {
  const agent = new UserAgent(server.issuer);
  const { url } = await rp.begin({ redirect_uri: 'https://evil.example.com/steal' });
  const page = await agent.get(url);
  expect(page.status).toBe(400);
  expect(page.location).toBeUndefined();
  expect(page.html).toContain('invalid_redirect_uri');
  expect(page.html).toContain('has not registered with Twofold');
});

test('a public client must use PKCE', async () => {
  const spa = await createRelyingParty(server, { clientId: 'spa', public: true });
  const agent = new UserAgent(server.issuer);
  const { url } = await spa.begin();
  const withoutPkce = new URL(url);
  withoutPkce.searchParams.delete('code_challenge');
  withoutPkce.searchParams.delete('code_challenge_method');
  const page = await agent.get(withoutPkce.href);
  expect(new URL(page.location!).searchParams.get('error')).toBe('invalid_request');
  expect(new URL(page.location!).searchParams.get('error_description')).toMatch(/PKCE/);
});

test('an unknown or finished interaction shows a page that says to start again', async () => {
  const agent = new UserAgent(server.issuer);
  const page = await agent.get('/interaction/not-a-real-one');
  expect(page.status).toBe(400);
  expect(page.html).toContain('This sign-in page has expired or was already used.');
});
