// Every response carries the same security headers as the sign-in pages, oidc-provider's own
// pages and endpoints included: no framing (the sign-out button cannot be clickjacked), no
// sniffing, no referrer, and the strict content security policy.
import { createAccount } from '../../src/accounts/createAccount.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({ demo: true });
  rp = await createRelyingParty(server);
  await createAccount(server.store.accounts, { username: 'framed', password });
});

const password = 'correct horse battery staple';
afterAll(() => server.stop());

const strictPolicy = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"];
const directives = (csp: string | undefined) => (csp ?? '').split(';').map((directive) => directive.trim()).filter(Boolean);

/** What a browser signed in to Twofold gets for a request. */
async function headersOf(method: 'GET' | 'POST', path: string, form?: Record<string, string>) {
  const agent = new UserAgent(server.issuer);
  await signInWithPassword(agent, rp, 'framed', password);
  return agent.request(method, path, form);
}

test.each([
  ['the "Sign out of Twofold?" page oidc-provider renders', 'GET', '/session/end', 200, 'Sign out of Twofold?'],
  ['the protocol error page', 'GET', '/auth?client_id=nobody&response_type=code&scope=openid', 400, 'We could not sign you in'],
  ['the discovery document', 'GET', '/.well-known/openid-configuration', 200, '"issuer"'],
  ['the key set', 'GET', '/jwks', 200, '"keys"'],
  ["the token endpoint's error", 'POST', '/token', 400, 'invalid'],
  ['the home page', 'GET', '/', 200, 'Twofold'],
  ["Twofold's own error page", 'GET', '/interaction/nope', 400, 'We could not continue'],
  ['a page that does not exist', 'GET', '/no-such-page', 404, ''],
  ['the authenticator app (push)', 'GET', '/authenticator', 200, '<html'],
  ["the authenticator app's API, refusing", 'GET', '/authenticator/api/requests', 400, 'invalid_request'],
  ['the WebAuthn browser script', 'GET', '/public/factors/webauthn/simplewebauthn-browser.js', 200, ''],
  ['the passkey page script', 'GET', '/public/factors/webauthn/webauthn.js', 200, ''],
  ['the development phone', 'GET', '/dev/phone', 200, '<html'],
  ["the development phone's JSON", 'GET', '/dev/phone/messages', 200, 'messages'],
  ['the demo application', 'GET', '/demo', 200, '<html'],
  ['the health check', 'GET', '/healthz', 200, 'ok'],
  ['the readiness check', 'GET', '/readyz', 200, 'ready'],
  ['the metrics (development)', 'GET', '/metrics', 200, 'twofold_'],
  ['the development outbox', 'GET', '/dev/outbox', 200, '<html'],
  ['the admin console, on the way to its sign-in', 'GET', '/admin/users', 302, ''],
  ["the admin API's document", 'GET', '/admin/api/openapi.json', 200, '"openapi"'],
  ['the admin API, refusing a call without a token', 'GET', '/admin/api/users', 401, ''],
  ["a form posted without its CSRF token (Twofold's refusal page)", 'POST', '/interaction/abcdefghijkl/login', 403, ''],
] as const)('%s carries them', async (_name, method, path, status, text) => {
  const response = await headersOf(method, path, method === 'POST' ? { grant_type: 'authorization_code' } : undefined);
  expect(response.status).toBe(status);
  expect(response.html).toContain(text);
  expect(response.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  expect(directives(response.headers['content-security-policy'])).toEqual(strictPolicy);
  expect(response.headers['x-powered-by']).toBeUndefined();
});

test('no Strict-Transport-Security on a plain-http issuer (development): browsers would carry it to every app on localhost', async () => {
  for (const path of ['/', '/interaction/nope', '/jwks', '/healthz']) {
    expect((await headersOf('GET', path)).headers['strict-transport-security']).toBeUndefined();
  }
});

test('Strict-Transport-Security on every answer of an https issuer, oidc-provider\'s included', async () => {
  const secure = await startTestServer({ issuer: 'https://idp.example.test' });
  try {
    for (const path of ['/', '/interaction/nope', '/jwks', '/healthz', '/no-such-page']) {
      const response = await fetch(new URL(path, `http://127.0.0.1:${(secure.server.address() as { port: number }).port}`));
      expect([path, response.headers.get('strict-transport-security')]).toEqual([path, 'max-age=31536000; includeSubDomains']);
    }
  } finally {
    await secure.stop();
  }
});

test('an unexpected failure (a 500 from Koa\'s own error handler) keeps the headers, and is not cached', async () => {
  const failing = await startTestServer();
  try {
    // The authenticator app's activation check reads the store; with the store gone the read
    // throws, and nothing but Koa's handler catches it.
    await failing.store.close();
    const response = await fetch(new URL('/authenticator/api/activations/00000000-0000-0000-0000-000000000000', failing.issuer));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe('Internal Server Error');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(directives(response.headers.get('content-security-policy') ?? undefined)).toEqual(strictPolicy);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  } finally {
    await failing.stop();
  }
});

test("answers about a sign-in or an account are never cached, JSON included", async () => {
  const agent = new UserAgent(server.issuer);
  const { url } = await rp.begin();
  const login = await agent.follow(url);
  const uid = /\/interaction\/([\w-]+)\/login/.exec(login.html)![1]!;
  for (const path of [`/interaction/${uid}/login`, `/interaction/${uid}/mfa/status`, `/interaction/${uid}/no-such-step`, '/account/security']) {
    expect([path, (await agent.get(path)).headers['cache-control']]).toEqual([path, 'no-store']);
  }
});

test('HTML pages are not cached; the protocol pages are no-store too', async () => {
  for (const path of ['/session/end', '/', '/interaction/nope']) {
    expect((await headersOf('GET', path)).headers['cache-control']).toBe('no-store');
  }
});

test("oidc-provider's own inline script (form_post) is allowed by its hash, nothing else inline", async () => {
  const agent = new UserAgent(server.issuer);
  const { url } = await rp.begin({ response_mode: 'form_post', prompt: 'none' });
  const page = await agent.get(url);
  // No session: the error goes back to the application by an auto-submitting form.
  expect(page.html).toContain('login_required');
  const script = /<script>([\s\S]*?)<\/script>/.exec(page.html)![1]!;
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256').update(script).digest('base64');
  expect(directives(page.headers['content-security-policy'])).toEqual(strictPolicy.map((d) => (d === "script-src 'self'" ? `script-src 'self' 'sha256-${hash}'` : d)));
});
