// Who gets into the admin console and the admin API: members of the admin group, with a second
// factor (the shipped policy asks for it before the console opens); everyone else gets a 403.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { createRelyingParty } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
// The policy Twofold ships, with its admin console rule: password alone would do elsewhere here.
const shipped = readFileSync(join(process.cwd(), 'policies/default.yaml'), 'utf8').replace('require: mfa          # none', 'require: none          # none');

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ adminApiClients: ['automation'] }, { policy: shipped });
});
afterAll(() => server.stop());

let people = 0;
async function person({ groups = [] as string[], app = true } = {}) {
  const username = `a${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password, groups });
  const secret = generateSecret();
  if (app) await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  return { username, id, secret };
}

const callback = () => `${server.issuer}/admin/callback`;

async function openConsole(agent: UserAgent, username: string, secret?: string): Promise<Page> {
  let page = await agent.follow('/admin', callback());
  if (page.html.includes('<h1>Sign in</h1>')) page = await agent.submit(page, /\/login$/, { username, password }, callback());
  if (page.html.includes('Verify your identity') && secret) page = await enterCode(agent, page, await appCode(server, secret), callback());
  if (page.location?.startsWith(callback())) page = await agent.follow(page.location);
  return page;
}

test('the shipped policy requires a second factor for the console and never remembers the device', () => {
  expect(server.policies.current().rules.find((rule) => rule.name === 'admin console')).toMatchObject({ when: { clients: ['twofold-admin'] }, require: 'mfa', remember: 0 });
});

test('someone outside the admin group signs in and gets a 403 page, not the console', async () => {
  const { username, secret } = await person();
  const page = await openConsole(new UserAgent(server.issuer), username, secret);
  expect(page.status).toBe(403);
  expect(page.html).toContain("<h1>You don't have access to the admin console</h1>");
  expect(page.html).not.toContain('<h1>Users</h1>');
  const denied = (await server.store.audit.tail({ limit: 50 })).filter((event) => event.type === 'admin.denied' && event.username === username);
  expect(denied).toHaveLength(1);
});

test('an administrator is asked for their second factor by policy before the console opens, even where others need only a password', async () => {
  const { username, secret } = await person({ groups: ['twofold-admins'] });
  const agent = new UserAgent(server.issuer);
  let page = await agent.follow('/admin', callback());
  page = await agent.submit(page, /\/login$/, { username, password }, callback());
  expect(page.html).toContain('<h1>Verify your identity</h1>');
  page = await enterCode(agent, page, await appCode(server, secret), callback());
  page = await agent.follow(page.location!);
  expect(page.status).toBe(200);
  expect(page.html).toContain('<h1>Users</h1>');
  const decision = (await server.store.audit.tail({ limit: 100 })).filter((event) => event.type === 'policy' && event.username === username).at(-1);
  expect(decision).toMatchObject({ clientId: 'twofold-admin', rule: 'admin console', reason: 'require mfa' });
});

test('an administrator without any method sets one up before entering', async () => {
  const { username } = await person({ groups: ['twofold-admins'], app: false });
  const page = await openConsole(new UserAgent(server.issuer), username);
  expect(page.html).toContain('<h1>More information required</h1>');
});

test('a console page asked for without signing in goes to sign in, and comes back to it afterwards', async () => {
  const { username, secret, id } = await person({ groups: ['twofold-admins'] });
  const agent = new UserAgent(server.issuer);
  const first = await agent.get(`/admin/users/${id}`);
  expect(first.status).toBe(302);
  expect(first.location).toMatch(new RegExp(`^${server.issuer}/auth\\?`));
  let page = await agent.follow(first.location!, callback());
  page = await agent.submit(page, /\/login$/, { username, password }, callback());
  page = await enterCode(agent, page, await appCode(server, secret), callback());
  page = await agent.follow(page.location!);
  expect(page.url).toBe(`${server.issuer}/admin/users/${id}`);
  expect(page.html).toContain(`<h1>${username}</h1>`);
});

describe('the admin API', () => {
  const api = (path: string, token?: string) => fetch(`${server.issuer}/admin/api${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  async function serviceToken(clientId: string, scope = 'twofold:admin') {
    const { client } = await registerClient(server.store.clients, { clientId, name: clientId, public: false, firstParty: true, redirectUris: [], grantTypes: ['client_credentials'] });
    const config = await oidc.discovery(new URL(server.issuer), clientId, {}, oidc.ClientSecretBasic(client.secret!), { execute: [oidc.allowInsecureRequests] });
    return (await oidc.clientCredentialsGrant(config, { scope })).access_token;
  }

  /** A person's own access token, from a sign-in at an ordinary application that asked for the admin scope. */
  async function personalToken(username: string, secret: string, firstParty = true) {
    const rp = await createRelyingParty(server, { clientId: `tool-${username}-${firstParty ? 1 : 3}`, firstParty });
    const { url, checks } = await rp.begin({ scope: 'openid twofold:admin', acr_values: 'https://refeds.org/profile/mfa' });
    const agent = new UserAgent(server.issuer);
    let page = await agent.follow(url, rp.redirectUri);
    page = await agent.submit(page, /\/login$/, { username, password }, rp.redirectUri);
    page = await enterCode(agent, page, await appCode(server, secret), rp.redirectUri);
    // A third-party application asks the person first; the admin allows it.
    if (!firstParty) page = await agent.submit(page, /\/consent$/, {}, rp.redirectUri);
    return (await rp.finish(page.location!, checks)).access_token;
  }

  test('a call without a token is refused with 401 and says how to authenticate', async () => {
    const response = await api('/users');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('Bearer');
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    expect((await api('/users', 'not-a-real-token')).status).toBe(401);
  });

  test('a listed service client with the admin scope gets in; an unlisted one, or one without the scope, is refused', async () => {
    expect((await api('/users', await serviceToken('automation'))).status).toBe(200);
    const unlisted = await api('/users', await serviceToken('reporting'));
    expect(unlisted.status).toBe(403);
    expect(await unlisted.json()).toMatchObject({ error: 'forbidden' });
    const noScope = await api('/users', await serviceToken('automation-2', 'openid'));
    expect(noScope.status).toBe(403);
    expect(await noScope.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  test("an administrator's own token works; a non-administrator's token is refused", async () => {
    const admin = await person({ groups: ['twofold-admins'] });
    const response = await api('/users', await personalToken(admin.username, admin.secret));
    expect(response.status).toBe(200);
    // From a third-party application (which showed a consent page), the same scope is refused.
    server.clock.advance(30_000);
    const thirdParty = await api('/users', await personalToken(admin.username, admin.secret, false));
    expect(thirdParty.status).toBe(403);
    expect((await response.json()).users.map((user: { username: string }) => user.username)).toContain(admin.username);
    server.clock.advance(30_000);
    const other = await person();
    const refused = await api('/users', await personalToken(other.username, other.secret));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: 'forbidden' });
  });

  test('the OpenAPI document describes the API from the same schemas', async () => {
    const response = await api('/openapi.json');
    expect(response.status).toBe(200);
    const document = await response.json();
    expect(document.openapi).toBe('3.0.3');
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/users', '/users/{id}', '/users/{id}/bypass', '/sign-ins']));
    expect(document.components.schemas.IssueBypass.properties.minutes).toMatchObject({ type: 'integer', minimum: 1, maximum: 30, default: 5 });
    expect(document.components.schemas.CreateUser.required).toEqual(expect.arrayContaining(['username', 'password']));
  });
});

test('an administrator who has a passkey is sent back to sign in with it: a code alone does not open the console', async () => {
  const { username, secret, id } = await person({ groups: ['twofold-admins'] });
  // A passkey on record (its ceremony is the WebAuthn suites' business): the console asks for it.
  await server.store.credentials.add({ accountId: id, method: 'webauthn', label: 'Laptop', secret: null, data: { publicKey: 'x', transports: ['internal'] }, externalId: `key-${id}` });
  const agent = new UserAgent(server.issuer);
  let page = await agent.follow('/admin', callback());
  page = await agent.submit(page, /\/login$/, { username, password }, callback());
  // The app, their default method, is asked for first.
  expect(page.html).toContain('<h1>Verify your identity</h1>');
  page = await enterCode(agent, page, await appCode(server, secret), callback());
  const signedIn = await agent.get(page.location!);
  expect(signedIn.location).toBe(`${server.issuer}/admin`);
  const stepUp = await agent.get(signedIn.location!);
  expect(stepUp.status).toBe(302);
  const again = new URL(stepUp.location!);
  expect(again.pathname).toBe('/auth');
  expect(again.searchParams.get('acr_values')).toBe(server.config.acrPhishingResistant);
  expect(again.searchParams.get('prompt')).toBe('login');
});

test('an unknown admin API path is a JSON 404', async () => {
  const response = await fetch(`${server.issuer}/admin/api/nothing-here`);
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ error: 'not_found' });
});

test('an administrator removed from the group, or disabled, loses the console at the next request; signing out ends the console session', async () => {
  const { username, secret, id } = await person({ groups: ['twofold-admins'] });
  const agent = new UserAgent(server.issuer);
  let page = await openConsole(agent, username, secret);
  expect(page.html).toContain('<h1>Users</h1>');
  await server.store.accounts.setGroups(id, ['staff']);
  page = await agent.follow('/admin/users', callback());
  expect(page.status).toBe(403);
  await server.store.accounts.setGroups(id, ['twofold-admins']);
  expect((await agent.follow('/admin/users', callback())).status).toBe(200);
  await server.store.accounts.setDisabled(id, true);
  expect((await agent.follow('/admin/users', callback())).status).toBe(403);
  await server.store.accounts.setDisabled(id, false);

  page = await agent.follow('/admin/users');
  const signedOut = await agent.post('/admin/signout', { csrf: /name="csrf" value="([^"]+)"/.exec(page.html)![1]! });
  expect(signedOut.status).toBe(302);
  expect(new URL(signedOut.location!).pathname).toBe('/session/end');
  const after = await agent.get('/admin/users');
  expect(after.status).toBe(302);
  expect(new URL(after.location!).pathname).toBe('/auth');
});
