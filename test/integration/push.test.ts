// Push approval end to end: the real server, openid-client as the relying party, and the Node
// authenticator (its library, and the `twofold authenticator` command) as the device.
import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import { createAccount } from '../../src/accounts/createAccount.js';
import { activate, answer, type AuthenticatorAccount, currentCode, listen, parseActivationLink, pendingRequests } from '../../src/authenticator/client.js';
import { answerMessage } from '../../src/factors/push/protocol.js';
import { acrMfa } from '../../src/provider/acr.js';
import { twofold } from '../helpers/cli.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policyWith, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { alertText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;

beforeAll(async () => {
  server = await startTestServer({}, { policy: policyWith('require: mfa\nmethods: [push, totp]\nenrollment: required') });
  rp = await createRelyingParty(server, { name: 'Team Wiki' });
});
afterAll(() => server.stop());

const activationLink = (html: string) => {
  const link = /id="activation-link">([^<]+)</.exec(html)?.[1];
  if (!link) throw new Error(`no activation link on the page:\n${html.slice(0, 2000)}`);
  return link.replace(/&amp;/g, '&');
};
const shownNumber = (page: Page) => {
  const number = /id="push-number"[^>]*>(\d{2})</.exec(page.html)?.[1];
  if (!number) throw new Error(`no number on the page:\n${page.html.slice(0, 2000)}`);
  return number;
};

let people = 0;
/** A new person who sets up the app at their first sign-in, with the library as the device. */
async function personWithApp() {
  const username = `push-person${++people}`;
  const created = await createAccount(server.store.accounts, { username, password });
  const agent = new UserAgent(server.issuer);
  const { page: intro, checks } = await signInWithPassword(agent, rp, username, password);
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'push' }, rp.redirectUri);
  const { server: base, code } = parseActivationLink(activationLink(setup.html));
  const { account, confirmation } = await activate({ server: base, code, name: 'Test phone' });
  const done = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: confirmation }, rp.redirectUri);
  if (!/\/mfa\/done$/.test(done.url)) throw new Error(`setup did not finish:\n${done.html.slice(0, 2000)}`);
  const back = await agent.submit(done, /\/mfa\/done$/, {}, rp.redirectUri);
  return { username, accountId: created.id, device: account, setupTokens: () => rp.finish(back.location!, checks) };
}

/** A fresh browser, past the password, at the page with the number. */
async function atPushPage(username: string) {
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, username, password);
  expect(page.html).toContain('Open your Authenticator app and enter the number shown to sign in');
  return { agent, page, checks };
}

const onlyRequest = async (device: AuthenticatorAccount) => {
  const requests = await pendingRequests(device, { now: server.clock.now });
  expect(requests).toHaveLength(1);
  return requests[0]!;
};
const cont = (agent: UserAgent, page: Page) => agent.submit(page, /\/mfa\/verify$/, {}, rp.redirectUri);
const audited = async (accountId: string, type = 'mfa.verify') => (await server.store.audit.tail({ accountId, limit: 200 })).filter((event) => event.type === type);

test('setup: the app activates from the link, the confirmation it shows saves the method, with its codes as an authenticator app', async () => {
  const { accountId, device, setupTokens } = await personWithApp();
  expect((await setupTokens()).claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'], acr: acrMfa });
  const methods = await server.store.credentials.list(accountId);
  expect(methods.map((m) => [m.method, m.label]).sort()).toEqual([['push', 'Test phone'], ['totp', 'Test phone, Twofold Authenticator']]);
  // The server keeps only the public key.
  const push = methods.find((m) => m.method === 'push')!;
  expect(Object.keys(push.data.publicKey as object).sort()).toEqual(['crv', 'kty', 'x', 'y']);

  // The code the app shows is accepted as the `totp` method.
  const agent = new UserAgent(server.issuer);
  const { page, checks } = await signInWithPassword(agent, rp, (await server.store.accounts.findById(accountId))!.username, password);
  const options = await agent.follow(page.html.match(/href="([^"]*\/mfa\/options)"/)![1]!);
  const totpId = methods.find((m) => m.method === 'totp')!.id;
  const codePage = await agent.submit(options, /\/mfa\/choose$/, { credential: totpId }, rp.redirectUri);
  server.clock.advance(30_000);
  const signedIn = await agent.submit(codePage, /\/mfa\/verify$/, { code: await currentCode(device, server.clock.now()) }, rp.redirectUri);
  expect((await rp.finish(signedIn.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
});

test('an activation code works once, and a wrong confirmation saves nothing', async () => {
  const username = `push-once${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password });
  const agent = new UserAgent(server.issuer);
  const { page: intro } = await signInWithPassword(agent, rp, username, password);
  const setup = await agent.submit(intro, /\/mfa\/enroll\/begin$/, { method: 'push' }, rp.redirectUri);
  const { server: base, code } = parseActivationLink(activationLink(setup.html));
  const { confirmation } = await activate({ server: base, code, name: 'First' });
  await expect(activate({ server: base, code, name: 'Second' })).rejects.toMatchObject({ status: 400, error: 'unknown_code' });
  const wrong = await agent.submit(setup, /\/mfa\/enroll\/finish$/, { code: confirmation === '000000' ? '000001' : '000000' }, rp.redirectUri);
  expect(wrong.status).toBe(401);
  expect(await server.store.credentials.list(id)).toEqual([]);
});

test('a push sign-in: the app sees the application, address and browser, approves with the number, and the relying party gets swk and mfa', async () => {
  const { username, device } = await personWithApp();
  const { agent, page, checks } = await atPushPage(username);
  // Before any answer, Continue waits and changes nothing.
  const early = await cont(agent, page);
  expect(alertText(early.html)).toBe("We haven't had an answer yet. Answer it, then choose Continue.");
  const request = await onlyRequest(device);
  expect(request).toMatchObject({ clientName: 'Team Wiki', ip: expect.stringMatching(/127\.0\.0\.1/), userAgent: expect.any(String) });
  expect(JSON.stringify(request)).not.toContain(`"${shownNumber(page)}"`);
  // The command approves it, with the number the page shows.
  const file = join(tempDir(), 'accounts.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify({ accounts: [device] }));
  const approved = await twofold(server.dataDir, ['authenticator', 'approve', request.id, shownNumber(page), '--file', file]);
  expect(approved).toMatchObject({ code: 0, out: ['approved'] });
  const status = await agent.get(page.url.replace(/\/mfa$/, '/mfa/status'));
  expect(JSON.parse(status.html)).toEqual({ status: 'answered' });
  const done = await cont(agent, page);
  const tokens = await rp.finish(done.location!, checks);
  expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'], acr: acrMfa });
});

test('a wrong number denies, Deny denies: the sign-in stops and the relying party gets access_denied', async () => {
  const { username, device, accountId } = await personWithApp();
  for (const [decision, number] of [['approve', '00'], ['deny', '']] as const) {
    const { agent, page } = await atPushPage(username);
    const request = await onlyRequest(device);
    const typed = decision === 'approve' ? (shownNumber(page) === '10' ? '11' : '10') : number;
    expect(await answer(device, request.id, decision, typed)).toBe(decision === 'approve' ? 'wrong_number' : 'denied');
    const result = await cont(agent, page);
    expect(result.status).toBe(403);
    expect(result.html).toContain('This sign-in was denied, so we stopped it.');
    const back = await agent.submit(result, /\/mfa\/abort$/, {}, rp.redirectUri);
    expect(new URL(back.location!).searchParams.get('error')).toBe('access_denied');
    server.clock.advance(31_000);
  }
  expect((await audited(accountId)).filter((e) => e.method === 'push').map((e) => e.reason)).toEqual(['denied', 'denied']);
});

test('"Deny and report fraud": the relying party gets access_denied, the account is blocked and the report listed, until unblocked', async () => {
  const { username, device, accountId } = await personWithApp();
  const { agent, page, checks } = await atPushPage(username);
  const request = await onlyRequest(device);
  expect(await answer(device, request.id, 'fraud')).toBe('fraud');
  const denied = await cont(agent, page);
  expect(denied.status).toBe(403);
  expect(denied.html).toContain('<h1>Sign-in stopped</h1>');
  const back = await agent.submit(denied, /\/mfa\/abort$/, {}, rp.redirectUri);
  expect(new URL(back.location!).searchParams.get('error')).toBe('access_denied');
  await expect(rp.finish(back.location!, checks)).rejects.toMatchObject({ error: 'access_denied' });
  expect(await server.store.fraud.blockOf(accountId, server.clock.now())).toMatchObject({ accountId, until: null });
  const audit = await server.store.audit.tail({ accountId, limit: 50 });
  expect(audit.find((event) => event.type === 'fraud.report')).toMatchObject({ method: 'push', clientId: rp.clientId });
  expect((await audited(accountId)).map((e) => e.reason)).toContain('denied and reported as fraud');

  // Blocked: the next sign-in sends no push and says why.
  server.clock.advance(31_000);
  const blocked = await signInWithPassword(new UserAgent(server.issuer), rp, username, password);
  expect(blocked.page.status).toBe(403);
  expect(blocked.page.html).toContain('<h1>Verification is blocked</h1>');
  expect(await pendingRequests(device, { now: server.clock.now })).toEqual([]);
  expect((await twofold(server.dataDir, ['fraud', 'list'])).out.join('\n')).toContain(username);
  expect((await twofold(server.dataDir, ['user', 'unblock', username])).code).toBe(0);
  await atPushPage(username);
});

test('a forged signature, a replayed answer, an answer after expiry and one from a removed device are refused and change nothing', async () => {
  const { username, device, accountId } = await personWithApp();
  const { agent, page, checks } = await atPushPage(username);
  const request = await onlyRequest(device);
  const number = shownNumber(page);
  const post = (body: Record<string, string>) => fetch(`${server.issuer}/authenticator/api/requests/${request.id}/answer`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });

  // Forged: signed by another key.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const forged = sign('sha256', Buffer.from(answerMessage(request.id, 'approve', number)), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  expect((await post({ device: device.deviceId, decision: 'approve', number, signature: forged })).status).toBe(401);
  // A signature over another decision does not carry over.
  const denySig = sign('sha256', Buffer.from(answerMessage(request.id, 'deny', '')), { key: (await import('node:crypto')).createPrivateKey({ key: device.privateKey, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }).toString('base64url');
  expect((await post({ device: device.deviceId, decision: 'approve', number, signature: denySig })).status).toBe(401);
  expect((await post({ device: device.deviceId, decision: 'approve', number: 'x'.repeat(500), signature: forged })).status).toBe(400);
  expect((await fetch(`${server.issuer}/authenticator/api/requests/${request.id}/answer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' })).status).toBe(400);
  expect(await onlyRequest(device)).toMatchObject({ id: request.id });

  // Replayed: the first answer counts, the same signed answer again is refused.
  const body = { device: device.deviceId, decision: 'approve', number, signature: sign('sha256', Buffer.from(answerMessage(request.id, 'approve', number)), { key: (await import('node:crypto')).createPrivateKey({ key: device.privateKey, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }).toString('base64url') };
  expect((await post(body)).status).toBe(200);
  expect((await post(body)).status).toBe(409);
  await expect(answer(device, request.id, 'deny')).rejects.toMatchObject({ status: 409 });
  const done = await cont(agent, page);
  expect((await rp.finish(done.location!, checks)).claims()).toMatchObject({ amr: ['pwd', 'swk', 'mfa'] });

  // After expiry: refused, and the page says the request expired.
  server.clock.advance(31_000);
  const late = await atPushPage(username);
  const lateRequest = await onlyRequest(device);
  server.clock.advance(61_000);
  await expect(answer(device, lateRequest.id, 'approve', shownNumber(late.page))).rejects.toMatchObject({ status: 410 });
  expect(alertText((await cont(late.agent, late.page)).html)).toMatch(/expired/);

  // A removed device: its key is revoked at once.
  const removedFrom = await atPushPage(username);
  const last = await onlyRequest(device);
  const credential = (await server.store.credentials.list(accountId)).find((m) => m.method === 'push')!;
  expect(await server.store.credentials.remove(accountId, credential.id)).toBe(true);
  await expect(answer(device, last.id, 'approve', shownNumber(removedFrom.page))).rejects.toMatchObject({ status: 401 });
  await expect(pendingRequests(device, { now: server.clock.now })).rejects.toMatchObject({ status: 401 });
  expect((await server.store.push.getChallenge(last.id))!.status).toBe('pending');
});

test('push bombing: after 3 unanswered or denied requests in 10 minutes, push pauses and the page offers other methods, audited', async () => {
  const { username, device, accountId } = await personWithApp();
  for (let i = 0; i < 3; i++) {
    await atPushPage(username);
    server.clock.advance(31_000);
  }
  expect(await pendingRequests(device, { now: server.clock.now })).toHaveLength(1); // the older ones expired unanswered
  const agent = new UserAgent(server.issuer);
  const { page } = await signInWithPassword(agent, rp, username, password);
  expect(page.html).toContain("We've paused requests to your Authenticator app");
  expect(page.html).toContain('Use a different verification option');
  expect(await pendingRequests(device, { now: server.clock.now })).toHaveLength(1);
  const withheld = (await audited(accountId, 'mfa.challenge')).filter((e) => e.result === 'fail');
  expect(withheld.map((e) => e.reason)).toEqual(['push paused: 3 requests unanswered or denied in 10 minutes']);
  // Ten minutes on, push works again.
  server.clock.advance(10 * 60_000);
  await atPushPage(username);
});

test('the event stream delivers a request started after it opened', async () => {
  const { username, device } = await personWithApp();
  const controller = new AbortController();
  const seen: string[] = [];
  const listening = listen(device, (request) => seen.push(request.clientName ?? ''), { signal: controller.signal, now: server.clock.now });
  await new Promise((r) => setTimeout(r, 200));
  await atPushPage(username);
  for (let i = 0; i < 50 && !seen.length; i++) await new Promise((r) => setTimeout(r, 100));
  controller.abort();
  await listening;
  expect(seen).toEqual(['Team Wiki']);
});

test('removing the device ends its open event stream', async () => {
  const { device, accountId } = await personWithApp();
  let ended = false;
  const listening = listen(device, () => undefined, { now: server.clock.now }).then(() => { ended = true; });
  await new Promise((r) => setTimeout(r, 300));
  expect(ended).toBe(false);
  const credential = (await server.store.credentials.list(accountId)).find((m) => m.method === 'push')!;
  await server.store.credentials.remove(accountId, credential.id);
  for (let i = 0; i < 30 && !ended; i++) await new Promise((r) => setTimeout(r, 100));
  expect(ended).toBe(true);
  await listening;
});

test('the command refuses bad input with a message', async () => {
  const file = join(tempDir(), 'none.json');
  expect(await twofold(server.dataDir, ['authenticator', 'activate', 'not a link', '--file', file])).toMatchObject({ code: 1, err: ["error: not an activation link: 'not a link'"] });
  expect((await twofold(server.dataDir, ['authenticator', 'approve', 'x', '123', '--file', file])).code).toBe(2);
  expect((await twofold(server.dataDir, ['authenticator', 'code', '--file', file])).err[0]).toMatch(/no accounts yet/);
});
