// Requested acr with MFA in the loop (OpenID Connect Core 3.1.2.1 and 5.5.1.1): a voluntary
// request never fails a sign-in, an essential one is answered with a value the relying party
// asked for that the authentication satisfies, or refused: never a downgrade, never a surprise.
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { acrMfa, acrSfa } from '../../src/provider/acr.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
const phishingResistant = 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant';
let server: TestServer;
let rp: RelyingParty;
let people = 0;

beforeAll(async () => {
  // A password is enough unless the application asks for more.
  server = await startTestServer({}, { policy: policyWith('require: none\nmethods: [totp]') });
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

async function personWithApp() {
  const username = `p${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: null, secret });
  return { username, id, secret };
}

const essential = (...values: string[]) => JSON.stringify({ id_token: { acr: { essential: true, values } } });

/** A browser whose session has signed in with password and app (asked for with acr_values). */
async function multiFactorSession() {
  const who = await personWithApp();
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, who.username, password, { acr_values: acrMfa });
  const back = await enterCode(agent, page, await appCode(server, who.secret), rp.redirectUri);
  expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ acr: acrMfa });
  return { agent, ...who };
}

async function authorizeIn(agent: UserAgent, params: Record<string, string>) {
  const { url, checks } = await rp.begin(params);
  return { page: await agent.follow(url, rp.redirectUri), checks };
}

test('oidcc-ensure-request-with-acr-values-succeeds: unknown voluntary acr_values do not stop a sign-in', async () => {
  const { username } = await personWithApp();
  const { page, checks } = await signInWithPassword(new UserAgent(server.issuer), rp, username, password, { acr_values: '1 2' });
  expect((await rp.finish(page.location!, checks)).claims()).toMatchObject({ acr: acrSfa });
});

test('essential acr (Core 5.5.1.1): only values Twofold does not know is refused with unmet_authentication_requirements, before anyone signs in', async () => {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await authorizeIn(agent, { claims: essential('urn:example:loa:4') });
  expect(page.location).toMatch(new RegExp(`^${rp.redirectUri}\\?`));
  await expect(rp.finish(page.location!, checks)).rejects.toMatchObject({ error: 'unmet_authentication_requirements' });
});

test('essential acr (Core 5.5.1.1): sfa asked of a multi-factor session comes back as sfa, the value asked for', async () => {
  const { agent } = await multiFactorSession();
  const { page, checks } = await authorizeIn(agent, { claims: essential(acrSfa) });
  const claims = (await rp.finish(page.location!, checks)).claims()!;
  expect(claims.acr).toBe(acrSfa);
  // amr still tells what was done.
  expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
});

test('essential acr (Core 5.5.1.1): of several values, the strongest the authentication satisfies', async () => {
  const { agent } = await multiFactorSession();
  const { page, checks } = await authorizeIn(agent, { claims: essential(acrSfa, acrMfa, 'urn:example:unknown') });
  expect((await rp.finish(page.location!, checks)).claims()?.acr).toBe(acrMfa);
  const single = await authorizeIn(agent, { claims: essential(acrSfa, 'urn:example:unknown') });
  expect((await rp.finish(single.page.location!, single.checks)).claims()?.acr).toBe(acrSfa);
});

test('essential acr (Core 5.5.1.1): mfa asked of a password sign-in steps up, never answering with sfa', async () => {
  const { username, secret } = await personWithApp();
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password, { claims: essential(acrMfa) });
  expect(page.html).toContain('<h1>Verify your identity</h1>');
  const back = await enterCode(agent, page, await appCode(server, secret), rp.redirectUri);
  expect((await rp.finish(back.location!, checks)).claims()).toMatchObject({ acr: acrMfa, amr: ['pwd', 'otp', 'mfa'] });
});

test('essential acr (Core 5.5.1.1): phishing-resistant asked of someone without a passkey or security key yields no token at all', async () => {
  const { agent } = await multiFactorSession();
  const { page, checks } = await authorizeIn(agent, { claims: essential(phishingResistant) });
  // Twofold says what is missing; the application gets nothing weaker.
  expect(page.location).toBeUndefined();
  expect(page.status).toBe(403);
  expect(page.html).toContain('<h1>Another sign-in method is needed</h1>');
});

test('a voluntary acr_values of sfa on a multi-factor session reports sfa too, which was asked for and is satisfied', async () => {
  const { agent } = await multiFactorSession();
  const { page, checks } = await authorizeIn(agent, { acr_values: acrSfa });
  expect((await rp.finish(page.location!, checks)).claims()?.acr).toBe(acrSfa);
  // Asking nothing reports the session's own level.
  const plain = await authorizeIn(agent, {});
  expect((await rp.finish(plain.page.location!, plain.checks)).claims()?.acr).toBe(acrMfa);
});
