// POST to the authorization and end-session endpoints (OpenID Connect Core 3.1.2.1,
// RP-Initiated Logout 2): served where the issuer is https, here behind a TLS-terminating proxy
// as in production; refused on a plain-http issuer, where browsers would drop the cookies.
import { createServer } from 'node:net';
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A browser reaching the server through a proxy that terminates TLS: it speaks https, the proxy plain http. */
class BehindTls extends UserAgent {
  constructor(readonly issuer: string) {
    super(issuer.replace(/^https:/, 'http:'));
    this.headers['x-forwarded-proto'] = 'https';
  }

  override request(method: 'GET' | 'POST', target: string, form?: Record<string, string>): Promise<Page> {
    return super.request(method, target.startsWith(this.issuer) ? target.replace(/^https:/, 'http:') : target, form);
  }
}

describe('an https issuer', () => {
  let server: TestServer;
  let issuer: string;
  beforeAll(async () => {
    const port = await freePort();
    issuer = `https://127.0.0.1:${port}`;
    server = await startTestServer({ port, issuer, trustProxy: true });
    await createAccount(server.store.accounts, { username: 'alice', password });
  });
  afterAll(() => server.stop());

  /** openid-client as the relying party, its requests passing the same proxy. */
  async function relyingParty(clientId: string) {
    const redirectUri = `https://rp.example.com/${clientId}/callback`;
    const { client } = await registerClient(server.store.clients, { clientId, redirectUris: [redirectUri], postLogoutRedirectUris: [`https://rp.example.com/${clientId}/signed-out`], firstParty: true });
    const throughProxy = ((url: string, init: RequestInit) =>
      fetch(url.replace(/^https:/, 'http:'), { ...init, headers: { ...(init.headers as Record<string, string>), 'x-forwarded-proto': 'https' } })) as unknown as oidc.CustomFetch;
    const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(client.secret!), { [oidc.customFetch]: throughProxy });
    config[oidc.customFetch] = throughProxy;
    return { config, redirectUri };
  }

  test('oidcc-ensure-post-request-succeeds: the authorization request sent as a form POST signs the person in', async () => {
    const { config, redirectUri } = await relyingParty('post-app');
    expect(config.serverMetadata().authorization_endpoint).toBe(`${issuer}/auth`);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const agent = new BehindTls(issuer);
    const posted = await agent.post(`${issuer}/auth`, {
      client_id: 'post-app', response_type: 'code', scope: 'openid', redirect_uri: redirectUri, state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    expect(posted.status).toBe(303);
    const login = await agent.follow(posted.location!, redirectUri);
    const back = await agent.submit(login, /\/login$/, { username: 'alice', password }, redirectUri);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location!), { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.claims()).toMatchObject({ iss: issuer, aud: 'post-app' });
    // The session cookie must come along when another site posts to /auth: SameSite=None, hence Secure.
    const session = agent.setCookies.find((cookie) => cookie.startsWith('_session='));
    expect(session).toMatch(/; samesite=none/i);
    expect(session).toMatch(/; secure/i);
  });

  test('oidcc-rp-initiated-logout [POST]: the end-session request sent as a form POST signs the person out', async () => {
    const { config, redirectUri } = await relyingParty('post-logout-app');
    const verifier = oidc.randomPKCECodeVerifier();
    const agent = new BehindTls(issuer);
    const start = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const login = await agent.follow(start.href, redirectUri);
    const back = await agent.submit(login, /\/login$/, { username: 'alice', password }, redirectUri);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location!), { pkceCodeVerifier: verifier });

    const postLogout = 'https://rp.example.com/post-logout-app/signed-out';
    const confirm = await agent.post(`${issuer}/session/end`, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogout });
    expect(confirm.status).toBe(200);
    // With the person's ID token as the hint, the page signs out without asking (sign-out.js presses the button).
    expect(confirm.html).toContain('<h1>Signing you out</h1>');
    expect((await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' }, postLogout)).location).toBe(postLogout);
  });
});

describe('a plain-http issuer', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  test('takes GET only at /auth and /session/end: a POST there is not found (404)', async () => {
    const agent = new UserAgent(server.issuer);
    expect((await agent.post(`${server.issuer}/auth`, { client_id: 'x', response_type: 'code' })).status).toBe(404);
    expect((await agent.post(`${server.issuer}/session/end`, {})).status).toBe(404);
  });
});
