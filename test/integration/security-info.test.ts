// "My security info": sign in to it like any application, see, add, make default and remove
// methods (with a fresh second factor or, for the first method, a fresh password), and
// forget remembered devices.
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode, enterCode, setupKey } from '../helpers/mfa.js';
import { createRelyingParty, signInWithPassword } from '../helpers/rp.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { findForm, noticeText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
// The security-info app itself needs only a password from the office; everything else needs MFA.
const policy = `version: 1
defaults: { require: mfa, methods: [totp], remember: 7d }
rules:
  - name: security info from the office
    when: { clients: [twofold-account], network: [127.0.0.0/8, "::1/128"], groups: [office] }
    require: none
`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({}, { policy });
});
afterAll(() => server.stop());

let people = 0;
async function person({ groups = [] as string[], app = true } = {}) {
  const username = `s${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password, groups });
  const secret = generateSecret();
  if (app) await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  return { username, id, secret };
}

const callback = () => `${server.issuer}/account/callback`;

/** Opens the page the way a person does: sign in (password, and the code when asked). */
async function openSecurityInfo(agent: UserAgent, username: string, secret?: string): Promise<Page> {
  let page = await agent.follow('/account/security', callback());
  if (page.html.includes('<h1>Sign in</h1>')) page = await agent.submit(page, /\/login$/, { username, password }, callback());
  if (page.html.includes('Verify your identity')) page = await enterCode(agent, page, await appCode(server, secret!), callback());
  if (page.location?.startsWith(callback())) page = await agent.follow(page.location);
  return page;
}

const removePath = (id: string) => `/account/security/methods/${id}/remove`;
/** "Remove" on the page (a button that opens a page naming the method), then the button there. */
async function removeMethod(agent: UserAgent, page: Page, id: string): Promise<Page> {
  expect(findForm(page.html, removePath(id)).fields).toEqual({});
  const confirm = await agent.follow(removePath(id));
  return confirm.status === 200 ? agent.submit(confirm, removePath(id)) : confirm;
}

const methodLabels = (page: Page) => [...page.html.matchAll(/<li>\s*<strong>([^<]+)<\/strong>(\s*<span class="badge">Default<\/span>)?/g)].map((m) => `${m[1]}${m[2] ? ' (default)' : ''}`);

test('a person signs in to their security info and sees their methods', async () => {
  const { username, secret } = await person();
  const page = await openSecurityInfo(new UserAgent(server.issuer), username, secret);
  expect(page.url).toBe(`${server.issuer}/account/security`);
  expect(page.html).toContain(`Signed in as <strong>${username}</strong>`);
  expect(methodLabels(page)).toEqual(['Authenticator app (Phone) (default)']);
});

test('with a fresh second factor, a person adds an app, makes it the default and removes the old one', async () => {
  const { username, id, secret } = await person();
  const agent = new UserAgent(server.issuer);
  await openSecurityInfo(agent, username, secret);
  server.clock.advance(30_000);

  const start = await agent.follow('/account/security');
  const setup = await agent.submit(start, '/account/security/add/begin', { method: 'totp' });
  expect(setup.html).toContain('<h1>Add an authenticator app</h1>');
  const tablet = setupKey(setup.html);
  const wrong = await agent.submit(setup, '/account/security/add', { code: '000000', label: 'Tablet' });
  expect(wrong.status).toBe(401);
  // Someone without recovery codes gets a set with the new method, shown once.
  const codes = await agent.submit(setup, '/account/security/add', { code: await appCode(server, tablet), label: 'Tablet' });
  expect(codes.html).toContain('<h1>Save your recovery codes</h1>');
  expect([...codes.html.matchAll(/<li><code>[0-9a-z-]{19}<\/code><\/li>/g)]).toHaveLength(10);
  let page = await agent.follow('/account/security');
  expect(methodLabels(page)).toEqual(['Authenticator app (Phone) (default)', 'Authenticator app (Tablet)']);
  expect(page.html).toContain('10 of 10 codes left');

  const tabletId = (await server.store.credentials.list(id)).find((c) => c.label === 'Tablet')!.id;
  page = await agent.submit(page, `/account/security/methods/${tabletId}/default`);
  expect(methodLabels(page)).toEqual(['Authenticator app (Phone)', 'Authenticator app (Tablet) (default)']);

  const phoneId = (await server.store.credentials.list(id)).find((c) => c.label === 'Phone')!.id;
  // Remove opens a page that names the method; nothing changes until its button is pressed.
  const confirm = await agent.follow(removePath(phoneId));
  expect(confirm.html).toContain('<h1>Remove Authenticator app (Phone)?</h1>');
  expect(await server.store.credentials.list(id)).toHaveLength(3);
  page = await agent.submit(confirm, removePath(phoneId));
  expect(noticeText(page.html)).toBe('Authenticator app (Phone) was removed. It no longer signs you in.');
  expect(methodLabels(page)).toEqual(['Authenticator app (Tablet) (default)']);
  // The notice is shown once: a reload does not bring it back.
  expect(noticeText((await agent.follow('/account/security')).html)).toBeUndefined();
  const changes = (await server.store.audit.tail({ accountId: id, limit: 20 })).filter((e) => e.type.startsWith('method.')).map((e) => `${e.type} ${e.result}`);
  expect(changes).toEqual(['method.add fail', 'method.add ok', 'method.provision ok', 'method.default ok', 'method.remove ok']);
});

test('removing a method on a password-only session asks for a whole sign-in first', async () => {
  const { username, id, secret } = await person({ groups: ['office'] });
  const agent = new UserAgent(server.issuer);
  const tablet = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Tablet', secret: tablet });
  const page = await openSecurityInfo(agent, username);
  expect(methodLabels(page).sort()).toEqual(['Authenticator app (Phone) (default)', 'Authenticator app (Tablet)']);
  const phoneId = (await server.store.credentials.list(id)).find((c) => c.label === 'Phone')!.id;

  expect(findForm(page.html, removePath(phoneId)).fields).toEqual({});
  const verify = await agent.follow(removePath(phoneId), callback());
  // A whole sign-in again: the password, then the second factor.
  expect(verify.html).toContain('<h1>Sign in</h1>');
  expect(await server.store.credentials.list(id)).toHaveLength(2);
  const code = await agent.submit(verify, /\/login$/, { username, password }, callback());
  expect(code.html).toContain('Verify your identity');
  // Back on the page they were opening, which says once that they verified.
  const back = await agent.follow((await enterCode(agent, code, await appCode(server, secret), callback())).location!);
  expect(back.url).toBe(`${server.issuer}${removePath(phoneId)}`);
  expect(back.html).toContain('<h1>Remove Authenticator app (Phone)?</h1>');
  expect(noticeText(back.html)).toBe("You've verified it's you: you can change your methods for the next 10 minutes.");
  expect(noticeText((await agent.follow(removePath(phoneId))).html)).toBeUndefined();
  const removed = await agent.submit(back, removePath(phoneId));
  expect(noticeText(removed.html)).toBe('Authenticator app (Phone) was removed. It no longer signs you in.');
  expect((await server.store.credentials.list(id)).map((c) => c.label)).toEqual(['Tablet']);

  // The last one stays until another replaces it: otherwise the next sign-in would set one up on the password alone.
  const lastId = (await server.store.credentials.list(id))[0]!.id;
  const last = await agent.follow(removePath(lastId));
  expect(last.status).toBe(400);
  expect(last.html).toContain('This is your only way to verify it&#39;s you. Add another method first, then remove this one.');
  // And the button of a page opened earlier is refused the same way.
  const csrf = /name="csrf" value="([^"]+)"/.exec(removed.html)![1]!;
  expect((await agent.post(removePath(lastId), { csrf })).status).toBe(400);
  expect(await server.store.credentials.list(id)).toHaveLength(1);
});

test('making another method the default on a password-only session asks for a whole sign-in first (issue 7, item 4)', async () => {
  const { username, id, secret } = await person({ groups: ['office'] });
  const tablet = await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Tablet', secret: generateSecret() });
  const agent = new UserAgent(server.issuer);
  const page = await openSecurityInfo(agent, username);
  const verify = await agent.submit(page, `/account/security/methods/${tablet.id}/default`, {}, callback());
  expect(verify.html).toContain('<h1>Sign in</h1>');
  expect((await server.store.credentials.list(id)).find((c) => c.isDefault)!.label).toBe('Phone');
  const code = await agent.submit(verify, /\/login$/, { username, password }, callback());
  const back = await agent.follow((await enterCode(agent, code, await appCode(server, secret), callback())).location!);
  const changed = await agent.submit(back, `/account/security/methods/${tablet.id}/default`);
  expect(noticeText(changed.html)).toBe('Your default method has changed.');
  expect((await server.store.credentials.list(id)).find((c) => c.isDefault)!.label).toBe('Tablet');
});

test('opening a setup takes a POST: a link to the setup page starts nothing and resets nothing (issue 7, item 6)', async () => {
  const { username, id, secret } = await person();
  const agent = new UserAgent(server.issuer);
  const page = await openSecurityInfo(agent, username, secret);
  // A link another site could plant, for a person with no setup under way: back to the page.
  const linked = await agent.get('/account/security/add?method=totp');
  expect(linked.status).toBe(303);
  expect(linked.location).toBe(`${server.issuer}/account/security`);
  expect(await server.store.challenges.get(`settings:${id}`)).toBeUndefined();
  // With a setup under way, the same link shows it unchanged: the key the person scanned still works.
  const setup = await agent.submit(page, '/account/security/add/begin', { method: 'totp' });
  const again = await agent.get('/account/security/add?method=totp');
  expect(setupKey(again.html)).toBe(setupKey(setup.html));
});

test('a first method needs only a fresh password', async () => {
  const { username, id } = await person({ groups: ['office'], app: false });
  const agent = new UserAgent(server.issuer);
  const page = await openSecurityInfo(agent, username);
  expect(page.html).toContain("You haven't set up a way to verify it's you yet.");
  const setup = await agent.submit(page, '/account/security/add/begin', { method: 'totp' });
  const codes = await agent.submit(setup, '/account/security/add', { code: await appCode(server, setupKey(setup.html)) });
  expect(codes.html).toContain('Your authenticator app is set up.');
  expect(methodLabels(await agent.follow('/account/security'))).toEqual(['Authenticator app (default)']);
  expect((await server.store.credentials.list(id)).map((c) => c.method)).toEqual(['totp', 'recovery']);
});

test('remembered devices are listed and can be forgotten', async () => {
  const { username, id, secret } = await person();
  const agent = new UserAgent(server.issuer);
  const rp = await createRelyingParty(server, { clientId: `app-${id.slice(0, 8)}` });
  const { page } = await signInWithPassword(agent, rp, username, password);
  await enterCode(agent, page, await appCode(server, secret), rp.redirectUri, { remember: 'yes' });
  server.clock.advance(30_000);

  const info = await openSecurityInfo(agent, username, secret);
  expect(info.html).toMatch(/<strong>A browser<\/strong> <span class="badge">This device<\/span>/);
  const deviceId = (await server.store.devices.list(id))[0]!.id;
  const forgotten = await agent.submit(info, `/account/security/devices/${deviceId}/forget`);
  expect(forgotten.html).toContain('That device will be asked for a second factor again.');
  expect(await server.store.devices.list(id)).toEqual([]);
});

test('a notice is not taken from the address: a planted link shows none', async () => {
  const { username, secret } = await person();
  const agent = new UserAgent(server.issuer);
  await openSecurityInfo(agent, username, secret);
  for (const notice of ['removed', 'verified', 'forgot-all', 'added']) {
    expect(noticeText((await agent.follow(`/account/security?notice=${notice}`)).html)).toBeUndefined();
  }
});

test('a change without its CSRF token is refused and changes nothing', async () => {
  const { username, id, secret } = await person();
  const agent = new UserAgent(server.issuer);
  await openSecurityInfo(agent, username, secret);
  const phoneId = (await server.store.credentials.list(id))[0]!.id;
  const refused = await agent.post(`/account/security/methods/${phoneId}/remove`, {});
  expect(refused.status).toBe(403);
  expect(await server.store.credentials.list(id)).toHaveLength(1);
});

test("another person's method cannot be touched", async () => {
  const victim = await person();
  const { username, secret } = await person();
  const agent = new UserAgent(server.issuer);
  const page = await openSecurityInfo(agent, username, secret);
  const victimMethod = (await server.store.credentials.list(victim.id))[0]!.id;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)![1]!;
  const refused = await agent.post(`/account/security/methods/${victimMethod}/remove`, { csrf });
  expect(refused.status).toBe(404);
  expect(await server.store.credentials.list(victim.id)).toHaveLength(1);
});

test('a disabled account loses its security info at the next request', async () => {
  const { username, id, secret } = await person();
  const agent = new UserAgent(server.issuer);
  await openSecurityInfo(agent, username, secret);
  await server.store.accounts.setDisabled(id, true);
  const page = await agent.follow('/account/security', callback());
  expect(page.html).toContain('<h1>Sign in</h1>');
});

test('cancelling the verification returns a clear page, and nothing changes', async () => {
  const { username, id } = await person({ groups: ['office'] });
  const agent = new UserAgent(server.issuer);
  const page = await openSecurityInfo(agent, username);
  const verify = await agent.follow(removePath((await server.store.credentials.list(id))[0]!.id), callback());
  expect(verify.html).toContain('<h1>Sign in</h1>');
  const cancelled = await agent.submit(verify, /\/abort$/, {}, callback());
  const back = await agent.follow(cancelled.location!);
  expect(back.status).toBe(400);
  expect(back.html).toContain("You did not finish verifying it&#39;s you, so nothing was changed.");
  expect(await server.store.credentials.list(id)).toHaveLength(1);
});

test('signing out is a form post, and ends the provider session too', async () => {
  const { username, secret } = await person();
  const agent = new UserAgent(server.issuer);
  const page = await openSecurityInfo(agent, username, secret);
  expect((await agent.get('/account/signout')).status).toBe(404);
  const confirm = await agent.submit(page, '/account/signout');
  expect(confirm.html).toContain('<h1>Signing you out</h1>');
  const done = await agent.submit(confirm, /\/session\/end\/confirm$/, { logout: 'yes' });
  expect(done.html).toContain('<h1>You have signed out</h1>');
  expect((await agent.follow('/account/security', callback())).html).toContain('<h1>Sign in</h1>');
});
