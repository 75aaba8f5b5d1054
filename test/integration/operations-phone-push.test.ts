// Metrics for the out-of-band methods, counted from what people do on the real pages: texts and
// calls sent, a fraud report (0# on a call) and the relying party's access_denied, and how long
// a push request took to reach the authenticator app.
import { createAccount } from '../../src/accounts/createAccount.js';
import { request } from 'node:http';
import { activate, type AuthenticatorAccount, listen, parseActivationLink, pendingRequests } from '../../src/authenticator/client.js';
import { metricValue } from '../helpers/metrics.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  server = await startTestServer({ displayName: 'Acme' }, { policy: policyWith('require: mfa\nmethods: [push, sms, voice, totp]\nremember: 0\nenrollment: required') });
  rp = await createRelyingParty(server);
});
afterAll(() => server.stop());

const metrics = async () => (await fetch(new URL('/metrics', server.issuer))).text();
const json = async (path: string, init?: RequestInit) => (await fetch(`${server.issuer}${path}`, init)).json() as Promise<Record<string, any>>;
let people = 0;
let device: AuthenticatorAccount;

async function atSetup(method: string, fields: Record<string, string>) {
  const username = `out-of-band-${++people}`;
  await createAccount(server.store.accounts, { username, password });
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, username, password);
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method, ...fields }, rp.redirectUri);
  return { username, agent, setup, checks };
}

test('a text sent and a call placed are counted; 0# on the call counts a fraud report, a denied answer and an access_denied sign-in', async () => {
  const before = await metrics();
  await atSetup('sms', { smsCountry: 'US', smsNumber: '(212) 555-0161' });
  const { username, agent: first, setup } = await atSetup('voice', { voiceCountry: 'US', voiceNumber: '(212) 555-0162' });
  const call = async () => (await json('/dev/phone/calls?to=%2B12125550162')).calls[0] as { id: string };
  const press = async (keys: string) => json(`/dev/phone/calls/${(await call()).id}/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ keys }) });
  await press('#');
  const done = await first.submit(setup, /\/mfa\/enroll\/finish$/, {}, rp.redirectUri);
  await first.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);

  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password);
  await press('0#');
  const denied = await agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
  const back = await agent.submit(denied, /\/mfa\/abort$/, {}, rp.redirectUri);
  await expect(rp.finish(back.location!, checks)).rejects.toMatchObject({ error: 'access_denied' });

  const after = await metrics();
  const delta = (name: string, labels: Record<string, string>) => metricValue(after, name, labels) - metricValue(before, name, labels);
  expect(delta('twofold_phone_sends_total', { kind: 'text', result: 'sent' })).toBe(1);
  expect(delta('twofold_phone_sends_total', { kind: 'call', result: 'sent' })).toBe(2);
  expect(delta('twofold_fraud_reports_total', { method: 'voice' })).toBe(1);
  expect(delta('twofold_second_factor_attempts_total', { method: 'voice', step: 'verify', result: 'denied' })).toBe(1);
  expect(delta('twofold_second_factor_attempts_total', { method: 'voice', step: 'enroll', result: 'ok' })).toBe(1);
  expect(delta('twofold_sign_ins_total', { result: 'access_denied', client: 'test-app' })).toBe(1);
});

test('a push request is timed from its creation to the first time the app fetches it, once', async () => {
  const { username, agent: first, setup } = await atSetup('push', {});
  const link = /id="activation-link">([^<]+)</.exec(setup.html)![1]!.replace(/&amp;/g, '&');
  const { server: base, code } = parseActivationLink(link);
  const { account, confirmation } = await activate({ server: base, code, name: 'Test phone' });
  device = account;
  const done = await first.submit(setup, /\/mfa\/enroll\/finish$/, { code: confirmation }, rp.redirectUri);
  await first.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);

  const before = await metrics();
  await signInWithPassword(new UserAgent(server.issuer), rp, username, password);
  server.clock.advance(1500);
  expect(await pendingRequests(device, { now: server.clock.now })).toHaveLength(1);
  expect(await pendingRequests(device, { now: server.clock.now })).toHaveLength(1);
  const after = await metrics();
  const delta = (name: string, labels: Record<string, string> = {}) => metricValue(after, name, labels) - metricValue(before, name, labels);
  expect(delta('twofold_push_delivery_seconds_count')).toBe(1);
  // The clock moved 1.5 s between the request and the fetch.
  expect(delta('twofold_push_delivery_seconds_bucket', { le: '1' })).toBe(0);
  expect(delta('twofold_push_delivery_seconds_bucket', { le: '2' })).toBe(1);
});

test('a graceful close lets a request under way finish, ends the authenticator app\'s event stream at once, and takes no longer than they need', async () => {
  // The app listening, as an installed authenticator does.
  const streamEnded = listen(device, () => {}, { now: server.clock.now }).then(() => Date.now());
  await new Promise((resolve) => setTimeout(resolve, 300));
  // A form post whose body is still arriving.
  const answered = new Promise<{ status: number; at: number }>((done, fail) => {
    const req = request(new URL('/interaction/some-interaction/login', server.issuer), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '17' } }, (res) => {
      res.resume();
      res.on('end', () => done({ status: res.statusCode!, at: Date.now() }));
    });
    req.on('error', fail);
    req.write('username=al');
    setTimeout(() => req.end('ice&x='), 1000);
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const started = Date.now();
  await server.close({ graceSeconds: 10 });
  const closedAt = Date.now();
  // Refused by the page (no CSRF token): answered, not cut off.
  expect((await answered).status).toBe(403);
  expect(await streamEnded).toBeLessThan(started + 500);
  expect(closedAt - started).toBeLessThan(3000);
  await expect(fetch(new URL('/healthz', server.issuer))).rejects.toThrow();
});
