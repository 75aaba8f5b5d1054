// The admin API end to end, driven as automation would drive it, with the effects checked where
// a person sees them: their next sign-ins.
import * as oidc from 'openid-client';
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { createAudit } from '../../src/audit/audit.js';
import { registerClient } from '../../src/clients/registerClient.js';
import { createFraudReports } from '../../src/fraud/fraudReports.js';
import { silentLogger } from '../../src/log.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, startTestServer, type TestServer } from '../helpers/server.js';
import { UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';

let server: TestServer;
let rp: RelyingParty;
let token: string;
beforeAll(async () => {
  server = await startTestServer({ adminApiClients: ['automation'] }, { policy: policies.mfaForAll });
  rp = await createRelyingParty(server, { clientId: 'wiki' });
  const { client } = await registerClient(server.store.clients, { clientId: 'automation', name: 'automation', public: false, firstParty: true, redirectUris: [], grantTypes: ['client_credentials'] });
  const config = await oidc.discovery(new URL(server.issuer), 'automation', {}, oidc.ClientSecretBasic(client.secret!), { execute: [oidc.allowInsecureRequests] });
  token = (await oidc.clientCredentialsGrant(config, { scope: 'twofold:admin' })).access_token;
});
afterAll(() => server.stop());

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.issuer}/admin/api${path}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

let people = 0;
async function person() {
  const username = `p${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  return { username, id, secret };
}

/** Signs in at the wiki in a fresh browser: where the sign-in lands after the password. */
async function signIn(username: string) {
  const { page } = await signInWithPassword(new UserAgent(server.issuer), rp, username, password);
  if (page.location?.startsWith(rp.redirectUri)) return 'signed in';
  if (page.html.includes('<h1>Verify your identity</h1>')) return 'asked for a second factor';
  if (page.html.includes('<h1>More information required</h1>')) return 'asked to set up a method';
  throw new Error(`unexpected page ${page.status} ${page.url}\n${page.html.slice(0, 800)}`);
}

test('creates a user, who then signs in and sets up a method; bad input is a 400 that names each problem and creates nothing', async () => {
  const bad = await api('POST', '/users', { username: 'new.person', password, email: 'not-an-email', groups: ['ok', 'no spaces'] });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toBe('invalid_request');
  expect(bad.body.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^email: /), expect.stringMatching(/^groups 2: /)]));
  expect(await server.store.accounts.findByUsername('new.person')).toBeUndefined();
  expect((await api('POST', '/users', { username: 'x', password, extra: true })).status).toBe(400);

  const created = await api('POST', '/users', { username: 'new.person', password, displayName: 'New Person', email: 'new@example.com', groups: ['staff'] });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ username: 'new.person', displayName: 'New Person', groups: ['staff'] });
  expect(await signIn('new.person')).toBe('asked to set up a method');
  const found = await api('GET', '/users?q=new@example');
  expect(found.body.users.map((user: { username: string }) => user.username)).toEqual(['new.person']);
  const audit = (await server.store.audit.tail({ accountId: created.body.id, limit: 10 })).find((event) => event.type === 'user.create');
  expect(audit?.actor).toBe('api:automation');
});

test('an update is all or nothing: one bad field changes none of them', async () => {
  const { id } = await person();
  const refused = await api('PATCH', `/users/${id}`, { displayName: 'Changed', phone: '555' });
  expect(refused.status).toBe(400);
  expect(refused.body.problems).toEqual([expect.stringMatching(/^phone: must be an international number/)]);
  expect((await server.store.accounts.findById(id))!.displayName).toBeNull();
  const changed = await api('PATCH', `/users/${id}`, { displayName: 'Changed', groups: ['staff'] });
  expect(changed.status).toBe(200);
  expect(changed.body).toMatchObject({ displayName: 'Changed', groups: ['staff'] });
  expect((await api('PATCH', '/users/no-such-id', { displayName: 'x' })).status).toBe(404);
});

test("requiring re-registration removes the person's methods: their next sign-in sets one up again", async () => {
  const { username, id } = await person();
  expect(await signIn(username)).toBe('asked for a second factor');
  const detail = await api('GET', `/users/${id}`);
  expect(detail.body.methods).toEqual([expect.objectContaining({ method: 'totp', label: 'Authenticator app (Phone)' })]);
  expect(JSON.stringify(detail.body)).not.toMatch(/secret/i);
  const reset = await api('POST', `/users/${id}/reregister`);
  expect(reset.status).toBe(200);
  expect(reset.body.removed.methods).toBe(1);
  expect(await signIn(username)).toBe('asked to set up a method');
});

test('a one-time bypass lets the next sign-in skip the second factor once; the one after is asked again', async () => {
  const { username, id } = await person();
  const issued = await api('POST', `/users/${id}/bypass`, { minutes: 10 });
  expect(issued.status).toBe(201);
  expect(Date.parse(issued.body.expiresAt) - Date.parse(issued.body.issuedAt)).toBe(10 * 60_000);
  expect((await api('GET', `/users/${id}`)).body.bypass).toMatchObject({ issuedBy: 'api:automation' });

  expect(await signIn(username)).toBe('signed in');
  expect(await signIn(username)).toBe('asked for a second factor');
  expect((await api('GET', `/users/${id}`)).body.bypass).toBeUndefined();
  const events = await server.store.audit.tail({ accountId: id, limit: 50 });
  expect(events.find((event) => event.type === 'bypass.issue')).toMatchObject({ actor: 'api:automation' });
  expect(events.filter((event) => event.type === 'mfa.bypass')).toEqual([expect.objectContaining({ result: 'ok', clientId: 'wiki', actor: 'api:automation' })]);
});

test('a bypass is used by one sign-in only, even when several race for it', async () => {
  const { username, id } = await person();
  await api('POST', `/users/${id}/bypass`, {});
  const outcomes = await Promise.all([1, 2, 3, 4].map(() => signIn(username)));
  expect(outcomes.filter((outcome) => outcome === 'signed in')).toHaveLength(1);
  expect(outcomes.filter((outcome) => outcome === 'asked for a second factor')).toHaveLength(3);
});

test('a bypass expires: after its minutes, the sign-in asks for the second factor', async () => {
  const { username, id } = await person();
  expect((await api('POST', `/users/${id}/bypass`, {})).status).toBe(201);
  server.clock.advance(5 * 60_000 + 1000);
  expect(await signIn(username)).toBe('asked for a second factor');
});

test('a bypass never stands in for a second factor an application asked for', async () => {
  const { username, id, secret } = await person();
  await api('POST', `/users/${id}/bypass`, {});
  const { page } = await signInWithPassword(new UserAgent(server.issuer), rp, username, password, { acr_values: 'https://refeds.org/profile/mfa' });
  expect(page.html).toContain('<h1>Verify your identity</h1>');
  expect(secret).toBeTruthy();
  // Not spent on that sign-in: the next ordinary one still uses it.
  expect(await signIn(username)).toBe('signed in');
});

test('bypass minutes outside 1 to 30 are refused and issue nothing', async () => {
  const { id } = await person();
  for (const minutes of [0, 31, 2.5, '5']) {
    const refused = await api('POST', `/users/${id}/bypass`, { minutes });
    expect(refused.status).toBe(400);
    expect(refused.body.problems[0]).toMatch(/^minutes: /);
  }
  expect((await api('GET', `/users/${id}`)).body.bypass).toBeUndefined();
});

test('unblocking after a fraud report lets the second factor work again', async () => {
  const { username, id, secret } = await person();
  const reports = createFraudReports({ store: server.store.fraud, audit: createAudit(server.store.audit, silentLogger), rule: 'until-unblocked', now: server.clock.now });
  await reports.report({ accountId: id, username, clientId: 'wiki', ip: '198.51.100.7', userAgent: 'Firefox', method: 'voice' });
  const listed = await api('GET', '/fraud-reports');
  expect(listed.body.reports.find((report: { accountId: string }) => report.accountId === id)).toMatchObject({ username, clientId: 'wiki', ip: '198.51.100.7', block: { until: null } });

  // Blocked: the second factor is not even offered.
  const { page: blocked } = await signInWithPassword(new UserAgent(server.issuer), rp, username, password);
  expect(blocked.html).toContain('<h1>Verification is blocked</h1>');

  const unblocked = await api('POST', `/users/${id}/unblock`);
  expect(unblocked.body).toEqual({ unblocked: true });
  expect((await api('GET', `/users/${id}`)).body.fraudBlock).toBeUndefined();
  server.clock.advance(30_000);
  const again = new UserAgent(server.issuer);
  const retry = await signInWithPassword(again, rp, username, password);
  const done = await enterCode(again, retry.page, await appCode(server, secret), rp.redirectUri);
  expect(done.location).toMatch(new RegExp(`^${rp.redirectUri}`));
  expect((await server.store.audit.tail({ accountId: id, limit: 50 })).find((event) => event.type === 'fraud.unblock')).toMatchObject({ actor: 'api:automation' });
});

test('the sign-in log filters by user, application, result, method and rule, with counts per hour', async () => {
  const { username, id, secret } = await person();
  await api('POST', `/users/${id}/bypass`, {});
  await signIn(username);
  const agent = new UserAgent(server.issuer);
  const { page } = await signInWithPassword(agent, rp, username, password);
  await enterCode(agent, page, '000000', rp.redirectUri);
  await enterCode(agent, page, await appCode(server, secret), rp.redirectUri);

  const all = await api('GET', `/sign-ins?user=${username}`);
  expect(all.status).toBe(200);
  expect(new Set(all.body.entries.map((entry: { username: string }) => entry.username))).toEqual(new Set([username]));
  const types = all.body.entries.map((entry: { type: string }) => entry.type);
  expect(types).toEqual(expect.arrayContaining(['bypass.issue', 'mfa.bypass', 'policy', 'mfa.verify']));

  const failed = await api('GET', `/sign-ins?user=${username}&result=mfa-failed`);
  expect(failed.body.entries).toEqual([expect.objectContaining({ type: 'mfa.verify', result: 'fail', method: 'totp', clientId: 'wiki', rule: 'defaults' })]);
  const successes = await api('GET', `/sign-ins?user=${username}&result=success&application=wiki&rule=defaults`);
  expect(successes.body.entries.map((entry: { type: string }) => entry.type).sort()).toEqual(['mfa.bypass', 'mfa.verify']);
  expect((await api('GET', `/sign-ins?user=${username}&method=totp`)).body.entries.every((entry: { method: string }) => entry.method === 'totp')).toBe(true);
  const hours = successes.body.perHour;
  expect(hours.reduce((sum: number, hour: { success: number }) => sum + hour.success, 0)).toBe(2);

  const today = new Date(server.clock.now()).toISOString().slice(0, 10);
  expect((await api('GET', `/sign-ins?user=${username}&from=${today}&to=${today}`)).body.entries.length).toBe(all.body.entries.length);
  expect((await api('GET', `/sign-ins?user=${username}&to=2000-01-01`)).body.entries).toEqual([]);
  const bad = await api('GET', '/sign-ins?from=yesterday&result=maybe');
  expect(bad.status).toBe(400);
  expect(bad.body.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^from: /), expect.stringMatching(/^result: /)]));
});

test('applications, hardware tokens and "what if" through the API, with the console\'s rules', async () => {
  const bad = await api('POST', '/applications', { clientId: 'crm', redirectUris: ['ftp://crm.example.com/cb'] });
  expect(bad.status).toBe(400);
  expect(bad.body.problems[0]).toMatch(/^redirect URI 1: /);
  expect(await server.store.clients.find('crm')).toBeUndefined();
  const added = await api('POST', '/applications', { clientId: 'crm', name: 'CRM', redirectUris: ['https://crm.example.com/cb'] });
  expect(added.status).toBe(201);
  expect(added.body.secret).toEqual((await server.store.clients.find('crm'))!.secret);
  expect((await api('GET', '/applications/crm')).body).not.toHaveProperty('secret');
  const refused = await api('PATCH', '/applications/crm', { redirectUris: [] });
  expect(refused.status).toBe(400);
  expect(refused.body.problems).toEqual([expect.stringMatching(/^redirect URIs?: at least one redirect URI is required/)]);
  const changed = await api('PATCH', '/applications/crm', { firstParty: true, redirectUris: ['https://crm.example.com/cb', 'https://crm.example.com/cb2'] });
  expect(changed.status).toBe(200);
  expect(changed.body.application).toMatchObject({ firstParty: true, redirectUris: ['https://crm.example.com/cb', 'https://crm.example.com/cb2'] });
  const rotated = await api('POST', '/applications/crm/rotate-secret');
  expect(rotated.body.secret).not.toBe(added.body.secret);
  expect((await api('GET', '/applications/nope')).status).toBe(404);

  const { username } = await person();
  const csv = 'upn,serial number,secret key,time interval,manufacturer,model,type,counter\n,API0001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Token2,C202,totp,\n';
  expect((await api('POST', '/tokens/import', { format: 'csv', file: csv })).body).toEqual({ imported: 1, assigned: 0 });
  expect((await api('POST', '/tokens/import', { format: 'csv', file: csv })).status).toBe(400);
  expect((await api('POST', '/tokens/assign', { serial: 'API0001', username })).body).toEqual({ outcome: 'assigned' });
  expect((await api('GET', '/tokens')).body.tokens).toEqual([expect.objectContaining({ serial: 'API0001', state: 'assigned', username })]);
  expect((await api('POST', '/tokens/API0001/unassign')).body).toMatchObject({ outcome: 'stock' });

  const answer = await api('GET', `/policies/what-if?user=${username}&client=wiki&acr=mfa`);
  expect(answer.body.decision).toMatchObject({ require: 'mfa', rule: 'defaults', floor: 'mfa' });
  expect(answer.body.explanation).toEqual(expect.arrayContaining(['decision:    a second factor is required (mfa)']));
  expect((await api('GET', '/policies/what-if?client=wiki')).status).toBe(400);
  const document = (await api('GET', '/openapi.json')).body;
  expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/applications', '/tokens/import', '/policies/what-if']));
});
