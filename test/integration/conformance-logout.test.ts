// RP-Initiated and Back-Channel Logout, as the OpenID Foundation's logout test plans drive
// them: the relying party that registered a back-channel logout URI receives a signed logout
// token it can verify, and a refused sign-out speaks of signing out.
import type { IncomingMessage } from 'node:http';
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { verifyJwt } from '../helpers/jwt.js';
import { serve } from '../helpers/localServer.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let aliceId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ id: aliceId } = await createAccount(server.store.accounts, { username: 'alice', password }));
});
afterAll(() => server.stop());

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => resolve(body));
});

async function signedIn(rp: RelyingParty, agent = new UserAgent(server.issuer)) {
  const { page, checks } = await signInWithPassword(agent, rp, 'alice', password);
  return { agent, tokens: await rp.finish(page.location!, checks) };
}

test('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri: an unregistered address gets a page about signing out, and no redirect', async () => {
  const rp = await createRelyingParty(server, { clientId: 'bad-logout' });
  const { agent, tokens } = await signedIn(rp);
  agent.headers.accept = 'text/html,application/xhtml+xml';
  const page = await agent.follow(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://attacker.example.com/' }).href);
  expect(page.location).toBeUndefined();
  expect(page.status).toBe(400);
  expect(page.html).toContain('We could not sign you out');
  expect(page.html).not.toContain('We could not sign you in');
  expect(page.html).toContain('you were not signed out');
});

test('oidcc-backchannel-rp-initiated-logout: the relying party receives a logout token it can verify, and the session is over', async () => {
  const received: string[] = [];
  const receiver = await serve(async (req, res) => {
    if (req.method === 'POST' && req.url === '/backchannel_logout' && req.headers['content-type'] === 'application/x-www-form-urlencoded') {
      received.push(new URLSearchParams(await readBody(req)).get('logout_token') ?? '');
      res.statusCode = 200;
    } else {
      res.statusCode = 400;
    }
    res.end();
  });
  try {
    const rp = await createRelyingParty(server, {
      clientId: 'backchannel-app', registration: { backchannelLogoutUri: `${receiver.url}/backchannel_logout`, backchannelLogoutSessionRequired: true },
    });
    const { agent, tokens } = await signedIn(rp);
    const sid = tokens.claims()!.sid;
    expect(sid).toEqual(expect.any(String));

    const postLogout = `https://rp.example.com/${rp.clientId}/signed-out`;
    const confirm = await agent.follow(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogout }).href);
    expect((await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' }, postLogout)).location).toBe(postLogout);

    expect(received).toHaveLength(1);
    // What OpenID Connect Back-Channel Logout 2.6 asks the relying party to check.
    const { header, payload } = await verifyJwt(received[0]!, `${server.issuer}/jwks`);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'logout+jwt' });
    expect(payload).toMatchObject({
      iss: server.issuer, aud: rp.clientId, sub: aliceId, sid,
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} }, jti: expect.any(String), iat: expect.any(Number),
    });
    expect(payload).not.toHaveProperty('nonce');

    const { url, checks } = await rp.begin({ prompt: 'none' });
    const silent = await agent.follow(url, rp.redirectUri);
    await expect(rp.finish(silent.location!, checks)).rejects.toMatchObject({ error: 'login_required' });
  } finally {
    receiver.server.close();
  }
});

test('a logout token follows the client\'s ID token algorithm (ES256 here)', async () => {
  const received: string[] = [];
  const receiver = await serve(async (req, res) => {
    received.push(new URLSearchParams(await readBody(req)).get('logout_token') ?? '');
    res.end();
  });
  try {
    const rp = await createRelyingParty(server, {
      clientId: 'es256-app', registration: { idTokenAlg: 'ES256', backchannelLogoutUri: `${receiver.url}/logout` },
      metadata: { id_token_signed_response_alg: 'ES256' },
    });
    const { agent, tokens } = await signedIn(rp);
    const confirm = await agent.follow(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token! }).href);
    await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' });
    expect(received).toHaveLength(1);
    const { header, payload } = await verifyJwt(received[0]!, `${server.issuer}/jwks`);
    expect(header.alg).toBe('ES256');
    // Without backchannel_logout_session_required the token names the person, not the session.
    expect(payload).toMatchObject({ sub: aliceId, aud: rp.clientId });
  } finally {
    receiver.server.close();
  }
});
