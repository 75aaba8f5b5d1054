// A relying party (openid-client) signs a person in through the real server over HTTP:
// discovery, code + PKCE, ID token, userinfo, refresh, introspection, revocation, logout.
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { acrSfa } from '../../src/provider/acr.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
let aliceId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ id: aliceId } = await createAccount(server.store.accounts, {
    username: 'alice', password, displayName: 'Alice Liddell', email: 'alice@example.com', groups: ['staff'],
  }));
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

test('discovery announces the code flow with PKCE S256 and the acr values', () => {
  const metadata = rp.config.serverMetadata();
  expect(metadata.issuer).toBe(server.issuer);
  expect(metadata.response_types_supported).toEqual(['code']);
  expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  expect(metadata.acr_values_supported).toEqual([
    'https://refeds.org/profile/sfa', 'https://refeds.org/profile/mfa', 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant',
  ]);
  expect(metadata.revocation_endpoint).toBeDefined();
  expect(metadata.introspection_endpoint).toBeDefined();
  expect(metadata.end_session_endpoint).toBeDefined();
});

test('a password sign-in yields tokens with amr pwd and the single-factor acr; userinfo, refresh, introspection and revocation work', async () => {
  const agent = new UserAgent(server.issuer);
  const before = Math.floor(Date.now() / 1000);
  const { page, checks } = await signInWithPassword(agent, rp, 'alice', password, { scope: 'openid profile email offline_access', prompt: 'consent' });
  expect(page.location).toMatch(new RegExp(`^${rp.redirectUri}\\?code=`));

  const tokens = await rp.finish(page.location!, checks);
  const claims = tokens.claims()!;
  expect(claims).toMatchObject({ iss: server.issuer, sub: aliceId, aud: rp.clientId, amr: ['pwd'], acr: acrSfa });
  expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);

  const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, aliceId);
  expect(userinfo).toMatchObject({ sub: aliceId, preferred_username: 'alice', name: 'Alice Liddell', email: 'alice@example.com' });

  const introspection = await oidc.tokenIntrospection(rp.config, tokens.access_token);
  expect(introspection).toMatchObject({ active: true, sub: aliceId, acr: acrSfa, amr: ['pwd'] });

  expect(tokens.refresh_token).toBeDefined();
  const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!);
  expect(refreshed.access_token).not.toBe(tokens.access_token);
  expect(refreshed.claims()).toMatchObject({ sub: aliceId, amr: ['pwd'], acr: acrSfa });

  const current = refreshed.refresh_token ?? tokens.refresh_token!;
  await oidc.tokenRevocation(rp.config, current);
  await expect(oidc.refreshTokenGrant(rp.config, current)).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('a second authorization in the same browser is answered without the password page', async () => {
  const agent = new UserAgent(server.issuer);
  await signInWithPassword(agent, rp, 'alice', password);
  const { url, checks } = await rp.begin();
  const page = await agent.follow(url, rp.redirectUri);
  expect(page.location).toMatch(new RegExp(`^${rp.redirectUri}\\?code=`));
  expect((await rp.finish(page.location!, checks)).claims()?.sub).toBe(aliceId);
});

test('a third-party application asks for consent, and proceeds once allowed', async () => {
  const thirdParty = await createRelyingParty(server, { clientId: 'third-party', firstParty: false, name: 'Third Party Tool' });
  const agent = new UserAgent(server.issuer);
  const { page: consent, checks } = await signInWithPassword(agent, thirdParty, 'alice', password);
  expect(consent.status).toBe(200);
  expect(consent.html).toContain('Allow Third Party Tool to use your account?');
  expect(consent.html).toContain('See your email address');
  const back = await agent.submit(consent, /\/consent$/, {}, thirdParty.redirectUri);
  const tokens = await thirdParty.finish(back.location!, checks);
  expect(tokens.claims()?.sub).toBe(aliceId);
});

test('a person who cancels at the sign-in page returns to the application with access_denied', async () => {
  const agent = new UserAgent(server.issuer);
  const { url, checks } = await rp.begin();
  const login = await agent.follow(url, rp.redirectUri);
  const back = await agent.submit(login, /\/abort$/, {}, rp.redirectUri);
  await expect(rp.finish(back.location!, checks)).rejects.toMatchObject({ error: 'access_denied' });
});

test('RP-initiated logout with an id_token_hint signs out without asking, ends the session and returns to the application', async () => {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, 'alice', password);
  const tokens = await rp.finish(page.location!, checks);
  const postLogout = `https://rp.example.com/${rp.clientId}/signed-out`;

  const confirm = await agent.follow(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogout }).href);
  // No question: the page presses "Sign out" by itself (a person without JavaScript presses it).
  expect(confirm.html).toContain('<h1>Signing you out</h1>');
  expect(confirm.html).not.toContain('Stay signed in');
  expect(confirm.html).toContain('<script src="/public/sign-out.js"></script>');
  const done = await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' }, postLogout);
  expect(done.location).toBe(postLogout);

  const { url } = await rp.begin();
  const again = await agent.follow(url, rp.redirectUri);
  expect(again.html).toContain('<h1>Sign in</h1>');
});

test('RP-initiated logout without an id_token_hint still asks, as the specification expects', async () => {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, 'alice', password);
  await rp.finish(page.location!, checks);
  const confirm = await agent.follow(oidc.buildEndSessionUrl(rp.config, { client_id: rp.clientId }).href);
  expect(confirm.html).toContain('<h1>Sign out of Twofold?</h1>');
  expect(confirm.html).toContain('Stay signed in');
  expect(confirm.html).not.toContain('sign-out.js');
  const done = await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' });
  expect(done.html).toContain('<h1>You have signed out</h1>');
});

test('prompt=none without a session returns login_required to the application', async () => {
  const agent = new UserAgent(server.issuer);
  const { url, checks } = await rp.begin({ prompt: 'none' });
  const page = await agent.follow(url, rp.redirectUri);
  await expect(rp.finish(page.location!, checks)).rejects.toMatchObject({ error: 'login_required' });
});

test('another application can neither introspect nor revoke a token it was not issued', async () => {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, 'alice', password);
  const tokens = await rp.finish(page.location!, checks);
  const other = await createRelyingParty(server, { clientId: 'other-app' });
  expect(await oidc.tokenIntrospection(other.config, tokens.access_token)).toEqual({ active: false });
  // RFC 7009 2.1: the other client is told no, and the token lives on.
  await expect(oidc.tokenRevocation(other.config, tokens.access_token)).rejects.toMatchObject({ error: 'unauthorized_client' });
  expect(await oidc.tokenIntrospection(rp.config, tokens.access_token)).toMatchObject({ active: true });
  expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, aliceId)).toMatchObject({ sub: aliceId });
});

test('a session whose account was disabled no longer signs anyone in: the sign-in page comes back, prompt=none gets login_required', async () => {
  const { id } = await createAccount(server.store.accounts, { username: 'leaver', password });
  const agent = new UserAgent(server.issuer);
  await signInWithPassword(agent, rp, 'leaver', password);
  await server.store.accounts.setDisabled(id, true);

  const silent = await rp.begin({ prompt: 'none' });
  const answer = await agent.follow(silent.url, rp.redirectUri);
  await expect(rp.finish(answer.location!, silent.checks)).rejects.toMatchObject({ error: 'login_required' });
  const { url } = await rp.begin();
  expect((await agent.follow(url, rp.redirectUri)).html).toContain('<h1>Sign in</h1>');
});
