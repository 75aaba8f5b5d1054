// "Sign in with a passkey" over HTTP, for what a browser's ceremony cannot show: a bad or late
// answer gets one message and changes nothing, the form needs its CSRF token, and repeated
// failures from one address are locked out. (A good answer, used once: test/e2e/webauthn.test.ts
// and the factor's unit tests.)
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createRelyingParty, type RelyingParty } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, findForm, type Page, UserAgent } from '../helpers/userAgent.js';

let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({}, {});
  rp = await createRelyingParty(server);
});
afterAll(() => server?.stop());

async function loginPage(): Promise<{ agent: UserAgent; page: Page }> {
  const agent = new UserAgent(server.issuer);
  const { url } = await rp.begin();
  return { agent, page: await agent.follow(url, rp.redirectUri) };
}

const passkeyEvents = async () => (await server.store.audit.tail({ limit: 50 })).filter((event) => event.type === 'passkey');

test('a malformed answer gets the one message; an answer after the challenge expired is told to try again', async () => {
  const { agent, page } = await loginPage();
  const first = await agent.submit(page, /\/passkey$/, { response: '{"id":"nope"}' }, rp.redirectUri);
  expect(first.status).toBe(401);
  expect(alertText(first.html)).toBe("That passkey didn't work. Try again, or sign in with your username and password.");
  expect((await passkeyEvents()).at(-1)).toMatchObject({ result: 'fail', reason: 'malformed', method: 'webauthn' });

  // The page shown again offers a fresh challenge, which lasts 5 minutes.
  server.clock.advance(5 * 60_000 + 1000);
  const late = await agent.submit(first, /\/passkey$/, { response: '{"id":"late"}' }, rp.redirectUri);
  expect(late.status).toBe(400);
  expect(alertText(late.html)).toBe('That took too long. Try again.');
  expect((await passkeyEvents()).at(-1)).toMatchObject({ result: 'fail', reason: 'the passkey challenge expired' });
});

test('an answer without the CSRF token is refused before anything is checked', async () => {
  const { agent, page } = await loginPage();
  const before = (await passkeyEvents()).length;
  const { action } = findForm(page.html, /\/passkey$/);
  const refused = await agent.post(new URL(action, page.url).href, { response: '{}' });
  expect(refused.status).toBe(403);
  expect((await passkeyEvents()).length).toBe(before);
});

test('repeated failures from one address are locked out, with the wait named', async () => {
  let { agent, page } = await loginPage();
  for (let i = 0; i < 10; i++) page = await agent.submit(page, /\/passkey$/, { response: 'garbage' }, rp.redirectUri);
  expect(page.status).toBe(429);
  expect(alertText(page.html)).toMatch(/^Too many failed attempts. Try again in \d+ minutes?\.$/);
  ({ agent, page } = await loginPage());
  expect((await agent.submit(page, /\/passkey$/, { response: 'garbage' }, rp.redirectUri)).status).toBe(429);
});

test('showing the sign-in page writes nothing: its passkey challenge travels with the page, signed for this sign-in', async () => {
  const challengeRows = () => {
    const db = new Database(join(server.dataDir, 'twofold.db'), { readonly: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM challenges').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  // Past the lockout the test above left on this address.
  server.clock.advance(16 * 60_000);
  const before = challengeRows();
  const { agent, page } = await loginPage();
  const { fields } = findForm(page.html, /\/passkey$/);
  expect(fields.ticket).toMatch(/^[\w-]+\.[\w-]+$/);
  expect(challengeRows()).toBe(before);

  // The ticket of another sign-in, or one changed by hand, is no challenge of this page's.
  const other = await loginPage();
  const borrowed = await agent.submit(page, /\/passkey$/, { response: '{"id":"nope"}', ticket: findForm(other.page.html, /\/passkey$/).fields.ticket! }, rp.redirectUri);
  expect(borrowed.status).toBe(400);
  expect(alertText(borrowed.html)).toBe('That took too long. Try again.');
  expect((await passkeyEvents()).at(-1)).toMatchObject({ result: 'fail', reason: 'no passkey challenge under way, or it expired' });
  const [payload, signature] = fields.ticket!.split('.');
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), expiresAt: Date.now() + 86_400_000 })).toString('base64url');
  const tampered = await agent.submit(borrowed, /\/passkey$/, { response: '{"id":"nope"}', ticket: `${forged}.${signature}` }, rp.redirectUri);
  expect(tampered.status).toBe(400);
  expect((await passkeyEvents()).at(-1)).toMatchObject({ result: 'fail', reason: 'no passkey challenge under way, or it expired' });
});
