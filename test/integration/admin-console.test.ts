// The admin console's pages, as an administrator's browser uses them (forms, no script): find a
// person, add one, issue a bypass, read fraud alerts and the sign-in log; and what the person
// sees of it on their security-info page.
import { readFileSync } from 'node:fs';
import * as oidc from 'openid-client';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { reportFraud } from '../helpers/fraud.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, noticeText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
let rp: RelyingParty;
let admin: UserAgent;
beforeAll(async () => {
  server = await startTestServer({}, { policy: policies.mfaForAll });
  rp = await createRelyingParty(server, { clientId: 'wiki' });
  const { id } = await createAccount(server.store.accounts, { username: 'root', password, groups: ['twofold-admins'] });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  admin = new UserAgent(server.issuer);
  const callback = `${server.issuer}/admin/callback`;
  let page = await admin.follow('/admin', callback);
  page = await admin.submit(page, /\/login$/, { username: 'root', password }, callback);
  page = await enterCode(admin, page, await appCode(server, secret), callback);
  await admin.follow(page.location!);
  server.clock.advance(30_000);
});
afterAll(() => server.stop());

async function person(username: string, details: { email?: string; displayName?: string; phone?: string } = {}) {
  const { id } = await createAccount(server.store.accounts, { username, password, ...details });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  return { id, secret };
}

/** Every input on the page has a label naming it (by `for`, or by wrapping it). */
function unlabelledInputs(html: string): string[] {
  const labelled = new Set([...html.matchAll(/<label[^>]*for="([^"]+)"/g)].map((m) => m[1]));
  return [...html.matchAll(/<label\b[^>]*>([\s\S]*?)<\/label>|<(input|select|textarea)\b([^>]*)>/g)]
    .filter((m) => m[2] && !/type="(hidden|submit)"/.test(m[3]!))
    .map((m) => /id="([^"]+)"/.exec(m[3]!)?.[1] ?? '(no id)')
    .filter((id) => !labelled.has(id));
}

test('finds people by name, username, email or phone', async () => {
  await person('maria.lopez', { displayName: 'María López', email: 'maria@example.com', phone: '+15554440123' });
  await person('ben');
  for (const query of ['maría', 'MARIA.L', 'maria@example', '555 444 0123']) {
    const page = await admin.follow(`/admin/users?q=${encodeURIComponent(query)}`);
    expect([query, [...page.html.matchAll(/<td><a href="\/admin\/users\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1])]).toEqual([query, ['maria.lopez']]);
  }
  const page = await admin.follow('/admin/users?q=nobody-like-this');
  expect(page.html).toContain('No user matches');
  expect(unlabelledInputs(page.html)).toEqual([]);
});

test('adding a user with bad details shows what was wrong and adds nobody', async () => {
  const list = await admin.follow('/admin/users');
  const refused = await admin.submit(list, '/admin/users/add', { username: 'carol', password, email: 'carol-at-example' });
  expect(refused.status).toBe(400);
  expect(alertText(refused.html)).toMatch(/^The user was not created: email: must be an email address/);
  expect(await server.store.accounts.findByUsername('carol')).toBeUndefined();
  const added = await admin.submit(list, '/admin/users/add', { username: 'carol', password, email: 'carol@example.com', groups: 'staff, finance' });
  expect(noticeText(added.html)).toBe('The user was created.');
  expect(added.html).toContain('<h1>carol</h1>');
  expect((await server.store.accounts.findByUsername('carol'))!.groups.sort()).toEqual(['finance', 'staff']);
});

test('a form posted without its CSRF token changes nothing', async () => {
  const { id } = await person('dave');
  const refused = await admin.post(`/admin/users/${id}/disable`, {});
  expect(refused.status).toBe(403);
  expect((await server.store.accounts.findById(id))!.disabled).toBe(false);
});

test('an administrator issues a bypass from the person\'s page; the person signs in without the code and sees it on their security info', async () => {
  const { id } = await person('erin');
  let page: Page = await admin.follow(`/admin/users/${id}`);
  expect(unlabelledInputs(page.html)).toEqual([]);
  const tooLong = await admin.submit(page, `/admin/users/${id}/bypass`, { minutes: '45' });
  expect(tooLong.status).toBe(400);
  expect(alertText(tooLong.html)).toBe('Nothing was changed: minutes: must be from 1 to 30.');
  page = await admin.submit(page, `/admin/users/${id}/bypass`, { minutes: '5' });
  expect(noticeText(page.html)).toBe('One-time bypass issued.');
  expect(page.html).toMatch(/id="bypass-state"><strong>One-time bypass<\/strong> the next sign-in until .* skips the second factor \(issued by admin:root\)/);

  const browser = new UserAgent(server.issuer);
  const { page: back } = await signInWithPassword(browser, rp, 'erin', password);
  expect(back.location).toMatch(new RegExp(`^${rp.redirectUri}`));
  const security = await browser.follow('/account/security', `${server.issuer}/account/callback`);
  const info = await browser.follow(security.location!);
  expect(info.html).toContain('<h2>Recent security activity</h2>');
  expect(info.html).toContain('A sign-in skipped the second factor with an administrator&#39;s one-time bypass.');
  expect(info.html).toContain('An administrator issued a one-time bypass');

  const log = await admin.follow('/admin/log?user=erin');
  expect(log.html).toMatch(/<td>mfa\.bypass<\/td>\s*<td>success<\/td>\s*<td>erin<\/td>\s*<td>wiki<\/td>/);
  expect(log.html).toMatch(/<td>bypass\.issue<\/td>[\s\S]*?<td>admin:root<\/td>/);
  expect(log.html).toContain('<svg role="img"');
  expect(unlabelledInputs(log.html)).toEqual([]);
});

test('fraud alerts list the report and unblock the account from there', async () => {
  const { id } = await person('fred');
  await reportFraud(server, id, 'fred');
  let page = await admin.follow('/admin/fraud');
  expect(page.html).toMatch(/<a href="\/admin\/users\/[^"]+">fred<\/a><\/td>\s*<td>198\.51\.100\.7<\/td>\s*<td>wiki<\/td>\s*<td>voice<\/td>\s*<td>until unblocked<\/td>/);
  page = await admin.submit(page, `/admin/users/${id}/unblock`);
  expect(page.url).toBe(`${server.issuer}/admin/fraud?notice=unblocked`);
  expect(noticeText(page.html)).toBe('The block was lifted: their second factor works again.');
  expect(await server.store.fraud.blockOf(id, server.clock.now())).toBeUndefined();
});

test('require re-registration and per-method removal from the person\'s page', async () => {
  const { id } = await person('gina');
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Tablet', secret: generateSecret() });
  let page = await admin.follow(`/admin/users/${id}`);
  expect([...page.html.matchAll(/<li>\s*<strong>(Authenticator app[^<]*)<\/strong>/g)].map((m) => m[1]).sort()).toEqual(['Authenticator app (Phone)', 'Authenticator app (Tablet)']);
  const tablet = (await server.store.credentials.list(id)).find((c) => c.label === 'Tablet')!;
  page = await admin.submit(page, `/admin/users/${id}/methods/${tablet.id}/remove`);
  expect(noticeText(page.html)).toBe('The method was removed.');
  page = await admin.submit(page, `/admin/users/${id}/reregister`);
  expect(page.html).toContain('No methods: the next sign-in sets one up.');
  const events = await server.store.audit.tail({ accountId: id, limit: 20 });
  expect(events.filter((e) => e.actor === 'admin:root').map((e) => e.type)).toEqual(['method.remove', 'user.reset-mfa']);
});

test('the policies page shows the policy files read-only and answers "what if" with the trace', async () => {
  await person('hana');
  let page = await admin.follow('/admin/policies');
  expect(page.html).toContain('<h3>policy.yaml</h3>');
  expect(page.html).toContain('methods: [totp]');
  expect(page.html).not.toMatch(/<textarea/);
  expect(unlabelledInputs(page.html)).toEqual([]);
  page = await admin.follow('/admin/policies?user=hana&client=wiki&ip=198.51.100.7&acr=phishing-resistant');
  const explanation = /<pre id="explanation">([\s\S]*?)<\/pre>/.exec(page.html)?.[1];
  expect(explanation).toContain('decision:    a second factor is required (mfa)');
  expect(explanation).toContain('floor:       phishing-resistant (asked by the application)');
  expect(explanation).toContain('trace:');
  const bad = await admin.follow('/admin/policies?user=hana&client=wiki&ip=not-an-address');
  expect(bad.status).toBe(400);
  expect(alertText(bad.html)).toBe('Check the question: ip: must be an IPv4 or IPv6 address.');
});

test('applications: add one (its secret shown once), change its redirect URIs, rotate the secret; the old one stops working', async () => {
  let page = await admin.follow('/admin/applications');
  expect(unlabelledInputs(page.html)).toEqual([]);
  const refused = await admin.submit(page, '/admin/applications/add', { clientId: 'payroll', redirectUris: 'not a url' });
  expect(refused.status).toBe(400);
  expect(alertText(refused.html)).toMatch(/^The application was not added: redirect URI 1: /);
  expect(await server.store.clients.find('payroll')).toBeUndefined();

  page = await admin.submit(page, '/admin/applications/add', { clientId: 'payroll', name: 'Payroll', redirectUris: 'https://payroll.example.com/callback', firstParty: 'on' });
  const first = /id="client-secret">([^<]+)</.exec(page.html)![1]!;
  expect((await server.store.clients.find('payroll'))!.secret).toBe(first);
  page = await admin.follow('/admin/applications/payroll');
  expect(page.html).not.toContain(first);

  page = await admin.submit(page, '/admin/applications/payroll/update', { redirectUris: 'https://payroll.example.com/callback\nhttps://payroll.example.com/other' });
  expect(noticeText(page.html)).toBe('The application was saved.');
  expect((await server.store.clients.find('payroll'))!.redirectUris).toEqual(['https://payroll.example.com/callback', 'https://payroll.example.com/other']);

  page = await admin.submit(page, '/admin/applications/payroll/rotate-secret');
  const second = /id="client-secret">([^<]+)</.exec(page.html)![1]!;
  expect(second).not.toBe(first);
  const revoke = (secret: string) => oidc.discovery(new URL(server.issuer), 'payroll', {}, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] })
    .then((config) => oidc.tokenRevocation(config, 'no-such-token'));
  await expect(revoke(second)).resolves.toBeUndefined();
  await expect(revoke(first)).rejects.toMatchObject({ status: 401, cause: [expect.objectContaining({ parameters: expect.objectContaining({ error: 'invalid_client' }) })] });
  const events = (await server.store.audit.tail({ limit: 200 })).filter((e) => e.clientId === 'payroll' && e.actor === 'admin:root').map((e) => e.type);
  expect(events).toEqual(['client.add', 'client.update', 'client.rotate-secret']);
});

test('hardware tokens: import a vendor file, assign one to a person, unassign it; a bad file imports nothing', async () => {
  await person('ivan');
  // The vendor's file assigns some tokens to these two.
  await person('alice@example.com');
  await person('bob@example.com');
  let page = await admin.follow('/admin/tokens');
  expect(unlabelledInputs(page.html)).toEqual([]);
  const bad = await admin.submit(page, '/admin/tokens/import', { format: 'csv', file: 'serial number,secret key\nX1,not-a-seed!' });
  expect(bad.status).toBe(400);
  expect(alertText(bad.html)).toMatch(/^Nothing was changed: /);
  expect(await server.store.tokens.list('oath')).toEqual([]);

  page = await admin.submit(page, '/admin/tokens/import', { format: 'csv', file: readFileSync('examples/oath/tokens.csv', 'utf8'), fileName: 'tokens.csv' });
  expect([page.status, alertText(page.html), noticeText(page.html)]).toEqual([200, undefined, expect.stringMatching(/^Imported \d+ tokens: /)]);
  expect(page.html).toMatch(/<td>TOTP0002<\/td><td>totp\/60s<\/td>/);
  page = await admin.submit(page, '/admin/tokens/assign', { serial: 'totp-0002', username: 'ivan' });
  expect(noticeText(page.html)).toMatch(/^The token was assigned/);
  expect(page.html).toContain('assigned to ivan, not activated');
  // A vendor's file larger than an ordinary form (here 400 tokens) is accepted.
  const big = ['serial number,secret key,type', ...Array.from({ length: 400 }, (_, i) => `BULK${String(i).padStart(4, '0')},GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,totp`)].join('\n');
  expect(big.length).toBeGreaterThan(16 * 1024);
  const bulk = await admin.submit(page, '/admin/tokens/import', { format: 'csv', file: big.replace('serial number,secret key,type', 'upn,serial number,secret key,time interval,manufacturer,model,type,counter').replace(/^(BULK\d+),([A-Z2-7]+),totp$/gm, ',$1,$2,30,Token2,C202,totp,') });
  expect(noticeText(bulk.html)).toBe('Imported 400 tokens: 0 assigned, 400 in stock.');
  page = await admin.submit(page, '/admin/tokens/unassign', { serial: 'TOTP0002' });
  expect(noticeText(page.html)).toBe('The token is back in stock.');
  const unknown = await admin.submit(page, '/admin/tokens/assign', { serial: 'NOPE', username: 'ivan' });
  expect(unknown.status).toBe(400);
  expect(alertText(unknown.html)).toBe('Nothing was changed: there is no token NOPE.');
  const events = (await server.store.audit.search({ types: ['token.import', 'token.assign', 'token.unassign'], limit: 1000 })).filter((e) => e.actor === 'admin:root').map((e) => e.type);
  expect(events.filter((type) => type === 'token.import').length).toBeGreaterThanOrEqual(400);
  expect(events).toEqual(expect.arrayContaining(['token.assign', 'token.unassign']));
});

test('unlock a second-factor lockout, disable and enable an account, and edit the profile from the person\'s page', async () => {
  const { id, secret } = await person('jack');
  await server.store.attempts.update(`mfa:${id}`, () => ({ failures: 0, locks: 1, lockedUntil: null, permanent: true }));
  let page = await admin.follow(`/admin/users/${id}`);
  expect(page.html).toContain('<strong>Second factor</strong> locked until an administrator unlocks');
  page = await admin.submit(page, `/admin/users/${id}/unlock`);
  expect(noticeText(page.html)).toBe('Lockouts were lifted: sign-in attempts start counting afresh.');
  expect(page.html).toContain('<strong>Second factor</strong> open');

  page = await admin.submit(page, `/admin/users/${id}/disable`);
  expect(noticeText(page.html)).toBe('The account is disabled and signed out everywhere.');
  const { page: refused } = await signInWithPassword(new UserAgent(server.issuer), rp, 'jack', password);
  expect(refused.location?.startsWith(rp.redirectUri) ?? false).toBe(false);
  expect(refused.html).not.toContain('Verify your identity');
  page = await admin.submit(page, `/admin/users/${id}/enable`);
  expect(noticeText(page.html)).toBe('The account is enabled again.');
  const { page: asked } = await signInWithPassword(new UserAgent(server.issuer), rp, 'jack', password);
  expect(asked.html).toContain('<h1>Verify your identity</h1>');
  expect(secret).toBeTruthy();

  const bad = await admin.submit(page, `/admin/users/${id}/profile`, { displayName: 'Jack', phone: '12' });
  expect(bad.status).toBe(400);
  expect(alertText(bad.html)).toMatch(/^Nothing was changed: phone: must be an international number/);
  expect((await server.store.accounts.findById(id))!.displayName).toBeNull();
  page = await admin.submit(page, `/admin/users/${id}/profile`, { displayName: 'Jack Smith', email: 'jack@example.com', emailVerified: 'on' });
  expect(noticeText(page.html)).toBe('The changes were saved.');
  expect(await server.store.accounts.findById(id)).toMatchObject({ displayName: 'Jack Smith', email: 'jack@example.com', emailVerified: true });
});
