// The server log as an operator reads it: every line of a request carries its request id (the
// caller's X-Request-Id when well-formed, also sent back) and the sign-in it belongs to; JSON
// lines in production's format; and never a secret. The last test signs people in with every kind
// of secret Twofold handles, at debug level, and looks for each one in everything logged.
import * as oidc from 'openid-client';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createAppPassword } from '../../src/accounts/appPasswords.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { appCode, enrollApp, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({ logFormat: 'json', displayName: 'Acme' }, { policy: policyWith('require: mfa\nmethods: [totp, sms, recovery]\nremember: 0\nenrollment: required') });
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

const lines = () => server.logs.map((line) => JSON.parse(line) as Record<string, unknown>);

test('every line is one JSON object with level, time and message; a request id sent by the caller is used, returned and logged', async () => {
  await createAccount(server.store.accounts, { username: 'traced', password });
  const agent = new UserAgent(server.issuer);
  const { url } = await rp.begin();
  const login = await agent.follow(url);
  const uid = /\/interaction\/([\w-]+)\/login/.exec(login.html)![1]!;
  agent.headers['x-request-id'] = 'lb-7f3a9c2e-0001';
  const refused = await agent.submit(login, /\/login$/, { username: 'traced', password: 'not it' });
  expect(refused.status).toBe(401);
  expect(refused.headers['x-request-id']).toBe('lb-7f3a9c2e-0001');
  for (const line of server.logs) expect(line).toMatch(/^\{.*\}\n$/);
  const audit = lines().find((line) => line.msg === 'audit password fail' && line.username === 'traced');
  expect(audit).toMatchObject({ level: 'info', reqId: 'lb-7f3a9c2e-0001', interaction: uid, clientId: 'test-app' });
  expect(Date.parse(String(audit!.time))).not.toBeNaN();
});

test.each([
  ['one with a space', 'bad id value'],
  ['one with a line break', 'abcdefgh\r\nX-Injected: 1'],
  ['a very long one', 'x'.repeat(300)],
  ['a short one', 'abc'],
])('a request id that is not well-formed (%s) is replaced by a fresh one', async (_name, sent) => {
  const response = await fetch(new URL('/healthz', server.issuer), { headers: { 'x-request-id': sent.replace(/\r\n/, ' ') } });
  const id = response.headers.get('x-request-id');
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
});

test('a request without an id gets a fresh one, different each time', async () => {
  const ids = await Promise.all([1, 2].map(async () => (await fetch(new URL('/healthz', server.issuer))).headers.get('x-request-id')));
  expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(ids[0]).not.toBe(ids[1]);
});

const json = async (path: string) => (await fetch(`${server.issuer}${path}`)).json() as Promise<Record<string, any>>;
const newestCode = async (to: string) => /^(\d{6}) is your/.exec((await json(`/dev/phone/messages?to=${encodeURIComponent(to)}`)).messages[0]?.body ?? '')?.[1] ?? '';

test('sign-ins with a password, TOTP, a texted code, a recovery code and an app password leave none of them, nor the phone number, in the log', async () => {
  const used: Record<string, string> = { password, 'mistyped password': 'correct horse battery stapel' };
  // A wrong password, then setup and sign-in with an authenticator app; recovery codes come with it.
  const totpAccount = await createAccount(server.store.accounts, { username: 'secretive', password });
  const wrong = await signInWithPassword(new UserAgent(server.issuer), rp, 'secretive', used['mistyped password']!);
  expect(wrong.page.status).toBe(401);
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, 'secretive', password);
  const { secret, recoveryCodes } = await enrollApp(agent, intro, server, rp.redirectUri);
  used['TOTP secret'] = secret;
  recoveryCodes.forEach((code, i) => (used[`recovery code ${i + 1}`] = code));

  const totp = new UserAgent(server.issuer);
  const atCode = await signInWithPassword(totp, rp, 'secretive', password);
  used['TOTP code'] = await appCode(server, secret);
  const totpBack = await enterCode(totp, atCode.page, used['TOTP code']!, rp.redirectUri);
  expect((await rp.finish(totpBack.location!, atCode.checks)).claims()).toMatchObject({ sub: totpAccount.id, amr: ['pwd', 'otp', 'mfa'] });
  // A wrong code too: what people mistype is still theirs.
  server.clock.advance(30_000);
  const again = new UserAgent(server.issuer);
  const atCodeAgain = await signInWithPassword(again, rp, 'secretive', password);
  used['wrong TOTP code'] = String((Number(await appCode(server, secret)) + 1) % 1_000_000).padStart(6, '0');
  expect((await enterCode(again, atCodeAgain.page, used['wrong TOTP code']!, rp.redirectUri)).status).toBe(401);

  // A recovery code, through "use a different verification option".
  const recovery = new UserAgent(server.issuer);
  const atRecovery = await signInWithPassword(recovery, rp, 'secretive', password);
  const options = await recovery.follow(new URL('options', `${atRecovery.page.url}/`).href);
  const credential = /name="credential" value="([^"]+)">\s*<button type="submit" class="link">Use a recovery code/.exec(options.html)![1]!;
  const codePage = await recovery.submit(options, /\/mfa\/choose$/, { credential }, rp.redirectUri);
  const recoveryDone = await enterCode(recovery, codePage, recoveryCodes[0]!, rp.redirectUri);
  const recoveryBack = await recovery.submit(recoveryDone, /\/mfa\/done$/, {}, rp.redirectUri);
  expect((await rp.finish(recoveryBack.location!, atRecovery.checks)).claims()).toMatchObject({ sub: totpAccount.id });

  // A texted code, with a phone number set up in the first sign-in.
  await createAccount(server.store.accounts, { username: 'texter', password });
  const number = { typed: '(212) 555-0147', e164: '+12125550147' };
  used['phone number'] = number.e164;
  used['phone number, national'] = '2125550147';
  const texter = new UserAgent(server.issuer);
  const { page: smsIntro, checks: smsChecks } = await signInWithPassword(texter, rp, 'texter', password);
  const smsSetup = await texter.submit(smsIntro, /\/mfa\/enroll\/begin$/, { method: 'sms', smsCountry: 'US', smsNumber: number.typed }, rp.redirectUri);
  used['texted setup code'] = await newestCode(number.e164);
  const proven = await texter.submit(smsSetup, /\/mfa\/enroll\/finish$/, { code: used['texted setup code']! }, rp.redirectUri);
  const smsBack = await texter.submit(proven, /\/mfa\/done$/, {}, rp.redirectUri);
  expect((await rp.finish(smsBack.location!, smsChecks)).claims()).toMatchObject({ amr: ['pwd', 'sms', 'mfa'] });
  const texted = new UserAgent(server.issuer);
  const atText = await signInWithPassword(texted, rp, 'texter', password);
  used['texted code'] = await newestCode(number.e164);
  const textBack = await enterCode(texted, atText.page, used['texted code']!, rp.redirectUri);
  expect((await rp.finish(textBack.location!, atText.checks)).claims()).toMatchObject({ amr: ['pwd', 'sms', 'mfa'] });

  // An app password, through the password grant of a legacy mail app.
  const { client } = await registerClient(server.store.clients, { clientId: 'mail', name: 'mail', legacy: true });
  used['client secret'] = client.secret!;
  const created = await createAppPassword(server.store.appPasswords, totpAccount.id, 'Thunderbird');
  if (!created.ok) throw new Error(created.error);
  used['app password'] = created.password;
  const mail = await oidc.discovery(new URL(server.issuer), 'mail', {}, oidc.ClientSecretBasic(client.secret!), { execute: [oidc.allowInsecureRequests] });
  const tokens = await oidc.genericGrantRequest(mail, 'password', { username: 'secretive', password: created.password, scope: 'openid' });
  expect(tokens.access_token).toEqual(expect.any(String));
  used['access token'] = tokens.access_token;

  const log = server.logs.join('');
  expect(log).toContain('audit mfa.verify ok');
  expect(log).toContain('audit password.grant ok');
  for (const [what, value] of Object.entries(used)) {
    expect(value.length).toBeGreaterThanOrEqual(6);
    const pattern = new RegExp(`(?<![0-9A-Za-z])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
    if (pattern.test(log)) throw new Error(`the log holds the ${what}: ${server.logs.find((line) => pattern.test(line))}`);
  }
});
