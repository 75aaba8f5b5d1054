// OpenID Connect Basic and Config OP behaviours, each test named after the OpenID Foundation
// conformance-suite module it mirrors (or the specification section, where no module exists):
// every client option a relying party can choose from discovery, used the way it would use it.
import { webcrypto } from 'node:crypto';
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { acrSfa } from '../../src/provider/acr.js';
import { verifyJwt } from '../helpers/jwt.js';
import { serve } from '../helpers/localServer.js';
import { createRelyingParty, type RelyingParty, type RelyingPartyOptions, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { findForm, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let aliceId: string;
let apps = 0;

beforeAll(async () => {
  server = await startTestServer();
  ({ id: aliceId } = await createAccount(server.store.accounts, {
    username: 'alice', password, displayName: 'Alice Liddell', email: 'alice@example.com', emailVerified: true,
    phone: '+1 555 444 5555', phoneVerified: true, groups: ['staff'],
  }));
  await createAccount(server.store.accounts, { username: 'bob', password, email: 'bob@example.com', phone: '+1 555 444 6666' });
});
afterAll(() => server.stop());

const app = (options: RelyingPartyOptions = {}) => createRelyingParty(server, { clientId: `app-${++apps}`, ...options });

/** Signs alice in at the relying party and exchanges the code. */
async function signIn(rp: RelyingParty, params: Record<string, string> = {}, { pkce = true, username = 'alice', dpop }: { pkce?: boolean; username?: string; dpop?: oidc.DPoPHandle } = {}) {
  const agent = new UserAgent(server.issuer);
  const { url, checks } = await rp.begin(params, { pkce });
  const login = await agent.follow(url, rp.redirectUri);
  const back = await agent.submit(login, /\/login$/, { username, password }, rp.redirectUri);
  return rp.finish(back.location!, checks, dpop ? { DPoP: dpop } : undefined);
}

/** Where the browser lands when the request is refused: an error page, or back at the application with an error. */
async function refusal(rp: RelyingParty, url: string) {
  return new UserAgent(server.issuer).follow(url, rp.redirectUri);
}

describe('the authorization request', () => {
  test('oidcc-ensure-redirect-uri-in-authorization-request: a request without redirect_uri gets an error page, even for a client with one registered URI', async () => {
    const rp = await app();
    const { url } = await rp.begin();
    const withoutRedirect = new URL(url);
    withoutRedirect.searchParams.delete('redirect_uri');
    const page = await refusal(rp, withoutRedirect.href);
    expect(page.location).toBeUndefined();
    expect(page.status).toBe(400);
    expect(page.html).toContain('We could not sign you in');
    expect(page.html).toContain('redirect_uri');
  });

  test('oidcc-ensure-registered-redirect-uri: an unregistered redirect_uri gets an error page, not a redirect', async () => {
    const rp = await app();
    const { url } = await rp.begin({ redirect_uri: 'https://attacker.example.com/cb' });
    const page = await refusal(rp, url);
    expect(page.location).toBeUndefined();
    expect(page.html).toContain('has not registered');
  });

  test('oidcc-server [response_mode=form_post]: the code comes back in a form posted to the redirect URI', async () => {
    const rp = await app();
    const agent = new UserAgent(server.issuer);
    const { url, checks } = await rp.begin({ response_mode: 'form_post' });
    const login = await agent.follow(url, rp.redirectUri);
    const page = await agent.submit(login, /\/login$/, { username: 'alice', password }, rp.redirectUri);
    const form = findForm(page.html, rp.redirectUri);
    expect(form.fields).toMatchObject({ code: expect.any(String), state: checks.expectedState, iss: server.issuer });
    const tokens = await rp.finish(new Request(rp.redirectUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form.fields) }), checks);
    expect(tokens.claims()).toMatchObject({ sub: aliceId, acr: acrSfa });
  });

  test('oidcc-server [response_mode=fragment]: the code comes back in the fragment', async () => {
    const rp = await app();
    const agent = new UserAgent(server.issuer);
    const { url, checks } = await rp.begin({ response_mode: 'fragment' });
    const login = await agent.follow(url, rp.redirectUri);
    const page = await agent.submit(login, /\/login$/, { username: 'alice', password }, rp.redirectUri);
    const back = new URL(page.location!);
    expect(back.search).toBe('');
    // What the application's script does: read the fragment and hand it to its server.
    const callback = new URL(rp.redirectUri);
    callback.search = back.hash.slice(1);
    expect((await rp.finish(callback.href, checks)).claims()).toMatchObject({ sub: aliceId });
  });

  test('pushed authorization request (RFC 9126): the request goes to the PAR endpoint and the browser carries only its request_uri', async () => {
    const rp = await app();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = await oidc.buildAuthorizationUrlWithPAR(rp.config, {
      redirect_uri: rp.redirectUri, scope: 'openid', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const agent = new UserAgent(server.issuer);
    const login = await agent.follow(url.href, rp.redirectUri);
    const back = await agent.submit(login, /\/login$/, { username: 'alice', password }, rp.redirectUri);
    expect((await rp.finish(back.location!, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: undefined as unknown as string })).claims()).toMatchObject({ sub: aliceId });
  });
});

describe('PKCE', () => {
  test('oidcc-ensure-request-with-valid-pkce-succeeds', async () => {
    expect((await signIn(await app())).claims()).toMatchObject({ sub: aliceId });
  });

  test('a client registered with PKCE required (the default) is refused without it', async () => {
    const rp = await app();
    const { url, checks } = await rp.begin({}, { pkce: false });
    const page = await refusal(rp, url);
    await expect(rp.finish(page.location!, checks)).rejects.toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('requires PKCE') });
  });

  test('oidcc-server [pkce optional]: a confidential client registered with --pkce optional signs in without PKCE, as the conformance suite does', async () => {
    const rp = await app({ registration: { pkce: 'optional' } });
    expect((await signIn(rp, {}, { pkce: false })).claims()).toMatchObject({ sub: aliceId });
    // and with it, when it does send it
    expect((await signIn(rp)).claims()).toMatchObject({ sub: aliceId });
  });
});

describe('client authentication at the token endpoint', () => {
  test('oidcc-server-client-secret-post: the secret in the request body', async () => {
    const rp = await app({ registration: { authMethod: 'client_secret_post' }, auth: (client) => oidc.ClientSecretPost(client.secret!) });
    expect((await signIn(rp)).claims()).toMatchObject({ sub: aliceId });
  });

  test('oidcc-server [client_auth_type=client_secret_jwt]: an HS256 client assertion made with the secret', async () => {
    const rp = await app({ registration: { authMethod: 'client_secret_jwt' }, auth: (client) => oidc.ClientSecretJwt(client.secret!) });
    expect((await signIn(rp)).claims()).toMatchObject({ sub: aliceId });
  });

  test('a client registered for a shared secret cannot authenticate with an assertion instead', async () => {
    // oidc-provider treats client_secret_basic and client_secret_post as one method (the same secret, two places).
    const rp = await app({ auth: (client) => oidc.ClientSecretJwt(client.secret!) });
    await expect(signIn(rp)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  const keyTypes = {
    RS256: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    PS256: { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    ES256: { name: 'ECDSA', namedCurve: 'P-256' },
    Ed25519: { name: 'Ed25519' },
    // The same key and signature as Ed25519, under the older name some libraries still send.
    EdDSA: { name: 'Ed25519' },
  } as const;

  async function keyPair(alg: keyof typeof keyTypes) {
    const pair = (await webcrypto.subtle.generateKey(keyTypes[alg] as never, true, ['sign', 'verify'])) as CryptoKeyPair;
    // A JWK without `alg`, as most clients publish them: WebCrypto would pin Ed25519 keys to "Ed25519".
    const { alg: _alg, key_ops: _ops, ext: _ext, ...jwk } = { ...(await webcrypto.subtle.exportKey('jwk', pair.publicKey)), kid: `${alg}-key` };
    return { pair, jwks: { keys: [jwk as Record<string, unknown>] } };
  }

  const signedWith = (alg: string, privateKey: CryptoKey) =>
    oidc.PrivateKeyJwt({ key: privateKey, kid: `${alg}-key` }, alg === 'EdDSA' ? { [oidc.modifyAssertion]: (header: Record<string, unknown>) => { header.alg = 'EdDSA'; } } : undefined);

  test.each(Object.keys(keyTypes) as (keyof typeof keyTypes)[])('oidcc-server [client_auth_type=private_key_jwt]: a %s client assertion checked against the registered public key', async (alg) => {
    const { pair, jwks } = await keyPair(alg);
    const rp = await app({ registration: { authMethod: 'private_key_jwt', jwks }, auth: () => signedWith(alg, pair.privateKey) });
    expect(rp.client.secret).toBeNull();
    expect((await signIn(rp)).claims()).toMatchObject({ sub: aliceId });
  });

  test('oidcc-server [client_auth_type=private_key_jwt, jwks_uri]: the public keys fetched from the client\'s jwks_uri on this machine', async () => {
    const { pair, jwks } = await keyPair('ES256');
    const jwksServer = await serve((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(jwks)));
    try {
      const rp = await app({ registration: { authMethod: 'private_key_jwt', jwksUri: `${jwksServer.url}/jwks.json` }, auth: () => signedWith('ES256', pair.privateKey) });
      expect((await signIn(rp)).claims()).toMatchObject({ sub: aliceId });
    } finally {
      jwksServer.server.close();
    }
  });

  test('a client assertion signed with a key that is not registered is refused', async () => {
    const registered = await keyPair('ES256');
    const other = await keyPair('ES256');
    const rp = await app({ registration: { authMethod: 'private_key_jwt', jwks: registered.jwks }, auth: () => signedWith('ES256', other.pair.privateKey) });
    await expect(signIn(rp)).rejects.toMatchObject({ error: 'invalid_client' });
  });
});

describe('ID tokens', () => {
  test('oidcc-idtoken-rs256: signed RS256 by default, with a key from the published JWK Set', async () => {
    const tokens = await signIn(await app());
    const { header, payload } = await verifyJwt(tokens.id_token!, `${server.issuer}/jwks`);
    expect(header.alg).toBe('RS256');
    expect(payload).toMatchObject({ iss: server.issuer, sub: aliceId });
  });

  test('oidcc-idtoken-rs256 [ES256]: a client registered with --id-token-alg ES256 gets ES256 ID tokens, verifiable with the published key', async () => {
    const rp = await app({ registration: { idTokenAlg: 'ES256' }, metadata: { id_token_signed_response_alg: 'ES256' } });
    const tokens = await signIn(rp);
    const { header, payload } = await verifyJwt(tokens.id_token!, `${server.issuer}/jwks`);
    expect(header.alg).toBe('ES256');
    expect(payload).toMatchObject({ iss: server.issuer, sub: aliceId, aud: rp.clientId });
  });
});

describe('claims', () => {
  test('oidcc-scope-email and oidcc-scope-phone: email and phone number come with whether they were verified', async () => {
    const rp = await app();
    const alice = await signIn(rp, { scope: 'openid email phone' });
    expect(await oidc.fetchUserInfo(rp.config, alice.access_token, aliceId)).toEqual({
      sub: aliceId, email: 'alice@example.com', email_verified: true, phone_number: '+15554445555', phone_number_verified: true,
    });
    const bob = await signIn(rp, { scope: 'openid email phone' }, { username: 'bob' });
    expect(await oidc.fetchUserInfo(rp.config, bob.access_token, bob.claims()!.sub)).toMatchObject({
      email: 'bob@example.com', email_verified: false, phone_number: '+15554446666', phone_number_verified: false,
    });
  });

  test('oidcc-scope-all: every scope discovery lists releases its claims', async () => {
    const rp = await app();
    const tokens = await signIn(rp, { scope: 'openid profile email phone groups' });
    expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, aliceId)).toEqual({
      sub: aliceId, name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.com', email_verified: true,
      phone_number: '+15554445555', phone_number_verified: true, groups: ['staff'],
    });
  });

  test('oidcc-claims-essential: an essential claim asked for in the claims parameter is returned at userinfo', async () => {
    const rp = await app();
    const tokens = await signIn(rp, { scope: 'openid', claims: JSON.stringify({ userinfo: { name: { essential: true } } }) });
    expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, aliceId)).toMatchObject({ sub: aliceId, name: 'Alice Liddell' });
  });

  test('the claims parameter can ask for sid in the ID token', async () => {
    const tokens = await signIn(await app(), { claims: JSON.stringify({ id_token: { sid: { essential: true } } }) });
    expect(tokens.claims()?.sid).toEqual(expect.any(String));
  });
});

describe('tokens', () => {
  test('DPoP (RFC 9449): access tokens bound to the client\'s key, for each advertised algorithm', async () => {
    const rp = await app();
    for (const [alg, name] of [['ES256', { name: 'ECDSA', namedCurve: 'P-256' }], ['Ed25519', { name: 'Ed25519' }], ['EdDSA', { name: 'Ed25519' }]] as const) {
      const pair = (await webcrypto.subtle.generateKey(name as never, false, ['sign', 'verify'])) as CryptoKeyPair;
      const handle = oidc.getDPoPHandle(rp.config, pair, alg === 'EdDSA' ? { [oidc.modifyAssertion]: (header: Record<string, unknown>) => { header.alg = 'EdDSA'; } } : undefined);
      const tokens = await signIn(rp, {}, { dpop: handle });
      expect([alg, tokens.token_type]).toEqual([alg, 'dpop']);
      expect(await oidc.fetchUserInfo(rp.config, tokens.access_token, aliceId, { DPoP: handle })).toMatchObject({ sub: aliceId });
      // Without the proof the token is worthless to whoever stole it.
      await expect(oidc.fetchUserInfo(rp.config, tokens.access_token, aliceId)).rejects.toBeDefined();
    }
  });

  test('token revocation (RFC 7009 2.1): another client is refused with an error, and the token lives on', async () => {
    const rp = await app();
    const other = await app();
    const tokens = await signIn(rp, { scope: 'openid offline_access', prompt: 'consent' });
    await expect(oidc.tokenRevocation(other.config, tokens.access_token)).rejects.toMatchObject({ error: 'unauthorized_client' });
    await expect(oidc.tokenRevocation(other.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'unauthorized_client' });
    expect(await oidc.tokenIntrospection(rp.config, tokens.access_token)).toMatchObject({ active: true });
    expect((await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)).access_token).toEqual(expect.any(String));
    // Its own client still revokes it.
    await oidc.tokenRevocation(rp.config, tokens.access_token);
    expect(await oidc.tokenIntrospection(rp.config, tokens.access_token)).toEqual({ active: false });
  });
});
