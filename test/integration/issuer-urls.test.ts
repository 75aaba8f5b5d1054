// Every absolute URL the provider sends derives from the configured issuer: a request's Host,
// X-Forwarded-Host, X-Forwarded-Proto or absolute-form target cannot poison discovery or the
// redirects of a sign-in.
import type { AddressInfo } from 'node:net';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode } from '../helpers/mfa.js';
import { rawRequest } from '../helpers/rawHttp.js';
import { createRelyingParty } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { findForm, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';

/** Every URL in the discovery document (endpoints, jwks_uri, the issuer). */
function urlsIn(document: Record<string, unknown>): string[] {
  return Object.values(document).filter((value): value is string => typeof value === 'string' && /^\w+:\/\//.test(value));
}

async function discovery(server: TestServer, headers: Record<string, string>, target = '/.well-known/openid-configuration') {
  // Where the server listens, which behind a proxy is not the issuer.
  const listening = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const response = await rawRequest(listening, { target, headers });
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as Record<string, unknown>;
}

describe('served directly', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, { policy: policies.mfaForAll });
  });
  afterAll(() => server.stop());

  test('discovery asked for with Host: evil.example names only the issuer\'s endpoints', async () => {
    const document = await discovery(server, { host: 'evil.example' });
    expect(document.issuer).toBe(server.issuer);
    expect(document.token_endpoint).toBe(`${server.issuer}/token`);
    const urls = urlsIn(document);
    expect(urls.length).toBeGreaterThan(8);
    expect(urls.filter((url) => !url.startsWith(`${server.issuer}/`) && url !== server.issuer)).toEqual([]);
  });

  test('an absolute-form request target for another host does not change them either', async () => {
    const document = await discovery(server, { host: 'evil.example' }, 'http://evil.example/.well-known/openid-configuration');
    expect(urlsIn(document).filter((url) => !url.startsWith(server.issuer))).toEqual([]);
  });

  test('X-Forwarded-Host is ignored when no proxy is trusted', async () => {
    const document = await discovery(server, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
    expect(urlsIn(document).filter((url) => !url.startsWith(server.issuer))).toEqual([]);
  });

  test('the redirect after a verified code goes to the issuer, whatever Host the browser sent', async () => {
    const { id } = await createAccount(server.store.accounts, { username: 'host-header', password });
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await server.store.credentials.add({ accountId: id, method: 'totp', secret });
    const rp = await createRelyingParty(server, { clientId: 'host-header-app' });
    const agent = new UserAgent(server.issuer);
    agent.headers.host = 'evil.example';

    const { url, checks } = await rp.begin();
    const login = await agent.follow(url, rp.redirectUri);
    expect(login.html).toContain('<h1>Sign in</h1>');
    const passwordForm = findForm(login.html, /\/login$/);
    const afterPassword = await agent.post(new URL(passwordForm.action, login.url).href, { ...passwordForm.fields, username: 'host-header', password });
    expect(afterPassword.location).toMatch(new RegExp(`^${server.issuer}/`));
    const codePage = await agent.follow(afterPassword.location!, rp.redirectUri);
    expect(codePage.html).toContain('Verify your identity');

    const codeForm = findForm(codePage.html, /\/mfa\/verify$/);
    const verified = await agent.post(new URL(codeForm.action, codePage.url).href, { ...codeForm.fields, code: await appCode(server, secret) });
    expect(verified.location).toMatch(new RegExp(`^${server.issuer}/auth/`));
    const back = await agent.follow(verified.location!, rp.redirectUri);
    expect(back.location).toMatch(new RegExp(`^${rp.redirectUri}\\?code=`));
    expect((await rp.finish(back.location!, checks)).claims()?.sub).toBe(id);
  });
});

describe('behind a trusted proxy', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ trustProxy: true, issuer: 'https://idp.example.com' });
  });
  afterAll(() => server.stop());

  test('X-Forwarded-Host and X-Forwarded-Proto cannot change the URLs: they come from the issuer', async () => {
    const forwarded = await discovery(server, { host: 'idp.example.com', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' });
    expect(forwarded.issuer).toBe('https://idp.example.com');
    expect(forwarded.authorization_endpoint).toBe('https://idp.example.com/auth');
    expect(urlsIn(forwarded).filter((url) => !url.startsWith('https://idp.example.com'))).toEqual([]);
  });

  test('a request that reached Twofold over plain http from the proxy still gets https URLs', async () => {
    const plain = await discovery(server, { host: '10.0.0.5:3000' });
    expect(urlsIn(plain).filter((url) => !url.startsWith('https://idp.example.com'))).toEqual([]);
  });
});
