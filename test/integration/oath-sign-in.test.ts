// Signing in with imported hardware tokens, openid-client as the relying party: tokens imported
// with the CLI from examples/oath/tokens.csv into the running server's store, activated during
// the first sign-in with their serial and a code, then used; a reused code is refused, and an
// HOTP token pressed past its look-ahead window comes back in step with two consecutive codes.
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/createAccount.js';
import { seedBytes } from '../../src/factors/oath/seed.js';
import { hotpCode, totpCode } from '../../src/factors/otpCodes.js';
import { packageRoot } from '../../src/paths.js';
import { acrMfa } from '../../src/provider/acr.js';
import { twofold } from '../helpers/cli.js';
import { enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
// The seeds of examples/oath/tokens.csv, as its vendor would have them on record.
const seeds = { TOTP0001: Buffer.from('12345678901234567890').toString('hex'), HOTP0001: '5892495217a1f8d43b1f25696c29a621b9a84c62' };
const failed = "That code didn't work. Press your token's button (or wait for a new code) and try again.";
let server: TestServer;
let rp: RelyingParty;

beforeAll(async () => {
  server = await startTestServer({}, { policy: policyWith('require: mfa\nmethods: [oath]\nenrollment: required') });
  rp = await createRelyingParty(server);
  await createAccount(server.store.accounts, { username: 'alice@example.com', password });
  await createAccount(server.store.accounts, { username: 'bob@example.com', password });
  const imported = await twofold(server.dataDir, ['oath', 'import', join(packageRoot, 'examples', 'oath', 'tokens.csv')]);
  expect(imported).toMatchObject({ code: 0, err: [] });
});
afterAll(() => server.stop());

const totpNow = (steps = 0) => totpCode(seedBytes(seeds.TOTP0001), Math.floor(server.clock.now() / 1000) + steps * 30);
const hotpAt = (counter: number) => hotpCode(seedBytes(seeds.HOTP0001), counter);

/** From "More information required": activate the token with its serial and a code. */
async function activate(agent: UserAgent, intro: Page, serial: string, code: string) {
  expect(intro.html).toContain('<label for="serial">Hardware token serial number</label>');
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { serial }, rp.redirectUri);
  expect(setup.html).toContain('<h1>Set up your hardware token</h1>');
  const confirmation = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code }, rp.redirectUri);
  expect(confirmation.url).toMatch(/\/mfa\/done$/);
  return agent.submit(confirmation, /\/mfa\/done$/, {}, rp.redirectUri);
}

async function atCodePage(username: string) {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password);
  expect(page.html).toContain('<h1>Verify your identity</h1>');
  return { agent, page, checks };
}

test('a TOTP token from the CSV is activated at first sign-in and then signs in with amr hwk and otp; a reused code is refused', async () => {
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, 'alice@example.com', password);
  // A serial that is not hers: a clear message, nothing changed.
  const wrong = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { serial: 'TOTP0002' }, rp.redirectUri);
  expect(wrong.status).toBe(400);
  expect(alertText(wrong.html)).toMatch(/^No token with serial number TOTP0002 is waiting for you\./);
  const activationCode = await totpNow();
  const done = await activate(agent, wrong, 'totp 0001', activationCode);
  const tokens = await rp.finish(done.location!, checks);
  expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'hwk', 'otp', 'mfa'], acr: acrMfa });

  const again = await atCodePage('alice@example.com');
  const reused = await enterCode(again.agent, again.page, activationCode, rp.redirectUri);
  expect(reused.status).toBe(401);
  expect(alertText(reused.html)).toBe(failed);
  server.clock.advance(30_000);
  const signedIn = await enterCode(again.agent, reused, await totpNow(), rp.redirectUri);
  expect((await rp.finish(signedIn.location!, again.checks)).claims()).toMatchObject({ amr: ['pwd', 'hwk', 'otp', 'mfa'] });
  const audit = await server.store.audit.tail({ limit: 200 });
  expect(audit.filter((event) => event.type === 'mfa.verify' && event.method === 'oath').map((event) => [event.result, event.reason ?? null])).toEqual([['fail', 'replayed'], ['ok', null]]);
});

test('an HOTP token signs in with its next codes, and after being pressed past the window, with two consecutive codes', async () => {
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, 'bob@example.com', password);
  const done = await activate(agent, intro, 'HOTP0001', await hotpAt(0));
  expect((await rp.finish(done.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'hwk', 'otp', 'mfa'] });

  // Pressed three times in a pocket: the fourth code is within the look-ahead.
  const second = await atCodePage('bob@example.com');
  const ok = await enterCode(second.agent, second.page, await hotpAt(4), rp.redirectUri);
  expect((await rp.finish(ok.location!, second.checks)).claims()).toMatchObject({ amr: ['pwd', 'hwk', 'otp', 'mfa'] });

  const third = await atCodePage('bob@example.com');
  expect(alertText((await enterCode(third.agent, third.page, await hotpAt(4), rp.redirectUri)).html)).toBe(failed);
  // Pressed 40 more times: one code is not enough, the next consecutive one brings it back.
  const far = await enterCode(third.agent, third.page, await hotpAt(45), rp.redirectUri);
  expect(far.status).toBe(401);
  expect(alertText(far.html)).toBe(failed);
  const back = await enterCode(third.agent, far, await hotpAt(46), rp.redirectUri);
  expect((await rp.finish(back.location!, third.checks)).claims()).toMatchObject({ amr: ['pwd', 'hwk', 'otp', 'mfa'] });
  const credential = (await server.store.credentials.list((await server.store.accounts.findByUsername('bob@example.com'))!.id))[0]!;
  expect(credential).toMatchObject({ method: 'oath', externalId: 'HOTP0001', counter: 46 });
});

test('oath list shows activated tokens with their person; unassigning one takes it off the account and back to stock', async () => {
  const listed = (await twofold(server.dataDir, ['oath', 'list'])).out;
  expect(listed[0]).toBe('SERIAL    TYPE      DIGITS  MANUFACTURER  MODEL     STATE');
  expect(listed.find((line) => line.startsWith('TOTP0001'))).toMatch(/active for alice@example\.com, last used \d{4}-\d{2}-\d{2}$/);
  expect(listed.find((line) => line.startsWith('HOTP0001'))).toMatch(/active for bob@example\.com, last used /);
  expect(listed.find((line) => line.startsWith('HOTP0002'))).toMatch(/in stock$/);

  expect(await twofold(server.dataDir, ['oath', 'unassign', 'HOTP0001'])).toMatchObject({ code: 0, out: ["token HOTP0001 no longer signs in 'bob@example.com' and is back in stock"] });
  const bob = (await server.store.accounts.findByUsername('bob@example.com'))!;
  expect(await server.store.credentials.list(bob.id)).toEqual([]);
  // Back in stock with its counter: whoever gets it next continues after code 46.
  expect(await server.store.tokens.get('oath', 'HOTP0001')).toMatchObject({ accountId: null, counter: 46, data: { kind: 'hotp', model: 'OTP c100' } });
  const agent = new UserAgent(server.issuer);
  const { page } = await signInWithPassword(agent, rp, 'bob@example.com', password);
  expect(page.html).toContain('<h1>More information required</h1>');
  const audit = (await server.store.audit.tail({ accountId: bob.id, limit: 50 })).filter((event) => event.type === 'token.unassign');
  expect(audit).toMatchObject([{ result: 'ok', method: 'oath', reason: 'serial HOTP0001, was activated: removed from the account', actor: expect.stringMatching(/^cli:/) }]);
});
