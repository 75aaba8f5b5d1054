// Relying parties managed with `twofold client` while the server runs: an update takes effect
// at once, and service clients get tokens with the client credentials grant (no person signs
// in, so no MFA policy applies), which an ordinary client is refused.
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { twofold } from '../helpers/cli.js';
import { createRelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let aliceId: string;

beforeAll(async () => {
  // Everyone needs a second factor: a service client must get its token anyway.
  server = await startTestServer({}, { policy: policies.mfaForAll });
  ({ id: aliceId } = await createAccount(server.store.accounts, { username: 'alice', password }));
  server.setPolicy(policies.passwordOnly);
});
afterAll(() => server.stop());

const discover = (clientId: string, secret: string) =>
  oidc.discovery(new URL(server.issuer), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });

test('a client updated with a new redirect URI (twofold client update) signs in there, and no longer at the old one', async () => {
  const rp = await createRelyingParty(server, { clientId: 'moving-app' });
  const newUri = 'https://new.example.com/moving-app/callback';
  const updated = await twofold(server.dataDir, ['client', 'update', 'moving-app', '--redirect-uri', newUri]);
  expect(updated).toMatchObject({ code: 0, out: ["updated client 'moving-app':", `  redirectUris: ${rp.redirectUri} -> ${newUri}`] });

  const agent = new UserAgent(server.issuer);
  const { url, checks } = await rp.begin({ redirect_uri: newUri });
  const login = await agent.follow(url, newUri);
  const back = await agent.submit(login, /\/login$/, { username: 'alice', password }, newUri);
  expect(back.location).toMatch(new RegExp(`^${newUri}\\?code=`));
  // The secret it was registered with still works: nothing to retype.
  expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ sub: aliceId, aud: 'moving-app' });

  const old = await rp.begin();
  const refused = await new UserAgent(server.issuer).follow(old.url, rp.redirectUri);
  expect(refused.location).toBeUndefined();
  expect(refused.html).toContain('has not registered');

  const [event] = (await server.store.audit.tail({ limit: 50 })).filter((e) => e.type === 'client.update' && e.clientId === 'moving-app');
  expect(event).toMatchObject({ result: 'ok', actor: expect.stringMatching(/^cli:/), reason: expect.stringContaining(newUri) });
});

test('a client-credentials client (twofold client add --grant client_credentials) gets a token, with no person and no second factor', async () => {
  server.setPolicy(policies.mfaForAll);
  try {
    const added = await twofold(server.dataDir, ['client', 'add', 'nightly-report', '--grant', 'client_credentials']);
    expect(added.code).toBe(0);
    const secret = added.out[1]!.replace('client secret: ', '');
    const config = await discover('nightly-report', secret);
    const tokens = await oidc.clientCredentialsGrant(config);
    expect(tokens).toMatchObject({ token_type: 'bearer', access_token: expect.any(String) });
    expect(tokens.id_token).toBeUndefined();
    const introspection = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, client_id: 'nightly-report' });
    expect(introspection.sub).toBeUndefined();
    // It signs no one in: the authorization endpoint is not for it.
    const { url } = await createRelyingParty(server, { clientId: 'ordinary' }).then((rp) => rp.begin());
    const asService = new URL(url);
    asService.searchParams.set('client_id', 'nightly-report');
    asService.searchParams.set('redirect_uri', 'https://rp.example.com/nightly-report/callback');
    expect((await new UserAgent(server.issuer).follow(asService.href)).status).toBe(400);
  } finally {
    server.setPolicy(policies.passwordOnly);
  }
});

test('an ordinary client is refused the client credentials grant', async () => {
  const rp = await createRelyingParty(server, { clientId: 'web-only' });
  // oidc-provider's answer for a grant the client was not registered for.
  await expect(oidc.clientCredentialsGrant(rp.config)).rejects.toMatchObject({ error: 'invalid_request', error_description: 'requested grant type is not allowed for this client' });
  // and it still signs people in as before
  const { page, checks } = await signInWithPassword(new UserAgent(server.issuer), rp, 'alice', password);
  expect((await rp.finish(page.location!, checks)).claims()?.sub).toBe(aliceId);
});
