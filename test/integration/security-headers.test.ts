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
  server = await startTestServer();
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
] as const)('%s carries them', async (_name, method, path, status, text) => {
  const response = await headersOf(method, path, method === 'POST' ? { grant_type: 'authorization_code' } : undefined);
  expect(response.status).toBe(status);
  expect(response.html).toContain(text);
  expect(response.headers).toMatchObject({ 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' });
  expect(directives(response.headers['content-security-policy'])).toEqual(strictPolicy);
  expect(response.headers['x-powered-by']).toBeUndefined();
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
