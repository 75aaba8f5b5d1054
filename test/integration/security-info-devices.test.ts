// Remembered devices on security info (issue 14, point 4): two browsers of the same kind are told
// apart by "This device", their address and their last use; a device the sign-in would no longer
// let skip the second factor (methods changed since, or the policy now remembers for less) is not
// listed as remembered, and the sign-in agrees with the page.
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { createRelyingParty, type RelyingParty, signInWithPassword } from '../helpers/rp.js';
import { policies, policyWith, startTestServer, type TestServer } from '../helpers/server.js';
import { type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
const chromeOnLinux = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
let server: TestServer;
let rp: RelyingParty;
beforeAll(async () => {
  // Behind a proxy, so each browser can come from an address of its own.
  server = await startTestServer({ trustProxy: true }, { policy: policies.mfaForAll });
  rp = await createRelyingParty(server, { clientId: 'wiki' });
});
afterAll(() => server.stop());
afterEach(() => server.setPolicy(policies.mfaForAll));

const callback = () => `${server.issuer}/account/callback`;
let people = 0;
async function person() {
  const username = `dev${++people}`;
  const { id } = await createAccount(server.store.accounts, { username, password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Phone', secret });
  return { username, id, secret };
}

function browser(address: string) {
  const agent = new UserAgent(server.issuer);
  agent.headers['user-agent'] = chromeOnLinux;
  agent.headers['x-forwarded-for'] = address;
  return agent;
}

/** The same browser with its sign-in session ended but its "don't ask again" cookie kept. */
function rememberedOnly(agent: UserAgent) {
  const copy = agent.copy(['twofold.device', 'twofold.device.sig']);
  copy.headers = { ...agent.headers };
  return copy;
}

/** Signs in to the wiki; returns whether a code was asked for (and gives it, with "don't ask again"). */
async function signIn(agent: UserAgent, username: string, secret: string): Promise<'code' | 'password only'> {
  const { page } = await signInWithPassword(agent, rp, username, password);
  if (page.location?.startsWith(rp.redirectUri)) return 'password only';
  expect(page.html).toContain('Verify your identity');
  server.clock.advance(30_000);
  const done = await enterCode(agent, page, await appCode(server, secret), rp.redirectUri, { remember: 'yes' });
  expect(done.location).toMatch(/\?code=/);
  return 'code';
}

async function openSecurityInfo(agent: UserAgent): Promise<Page> {
  const page = await agent.follow('/account/security', callback());
  return page.location?.startsWith(callback()) ? agent.follow(page.location) : page;
}

/** Each device row as a person reads it: the name, its badges, and the facts under it. */
function deviceRows(html: string): string[] {
  const list = /<ul class="methods devices" id="devices">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((row) => row[1]!
    .replace(/<form[\s\S]*?<\/form>/g, '')
    .replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim());
}
const forgetLabels = (html: string) => [...html.matchAll(/aria-label="(Forget [^"]+)"/g)].map((m) => m[1]);

test('two "Chrome on Linux" rows are told apart by "This device", address and last use', async () => {
  const { username, secret } = await person();
  const laptop = browser('198.51.100.7');
  const desktop = browser('203.0.113.9');
  expect(await signIn(laptop, username, secret)).toBe('code');
  expect(await signIn(desktop, username, secret)).toBe('code');
  // The desktop signs in again an hour later, from another address: no code asked.
  server.clock.advance(3600_000);
  desktop.headers['x-forwarded-for'] = '203.0.113.44';
  expect(await signIn(rememberedOnly(desktop), username, secret)).toBe('password only');

  const page = await openSecurityInfo(laptop);
  const rows = deviceRows(page.html);
  expect(rows).toHaveLength(2);
  expect(rows[0]).toMatch(/^Chrome on Linux This device Address 198\.51\.100\.7\. Not used since it was remembered\. Remembered \d+ \w+ 2\d{3}, \d\d:\d\d UTC, skips the second factor until \d+ \w+ 2\d{3}\.$/);
  expect(rows[1]).toMatch(/^Chrome on Linux Address 203\.0\.113\.44\. Last used \d+ \w+ 2\d{3}, \d\d:\d\d UTC\. Remembered .*, skips the second factor until .*\.$/);
  expect(forgetLabels(page.html)).toEqual(['Forget Chrome on Linux (this device)', 'Forget Chrome on Linux at 203.0.113.44']);
  // Seen from the desktop, the desktop is "this device".
  expect(deviceRows((await openSecurityInfo(desktop)).html)[0]).toMatch(/^Chrome on Linux This device Address 203\.0\.113\.44\./);
});

test('after the methods change, remembered devices are shown as no longer remembered, and the sign-in asks for a code', async () => {
  const { username, id, secret } = await person();
  const laptop = browser('198.51.100.7');
  expect(await signIn(laptop, username, secret)).toBe('code');
  expect(deviceRows((await openSecurityInfo(laptop)).html)[0]).toContain('skips the second factor until');

  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'Tablet', secret: generateSecret() });
  const rows = deviceRows((await openSecurityInfo(laptop)).html);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatch(/^Chrome on Linux This device No longer remembered Address 198\.51\.100\.7\./);
  expect(rows[0]).toContain('It will be asked for a second factor again: your sign-in methods changed after it was remembered.');
  expect(rows[0]).not.toContain('skips the second factor until');
  // What the page says is what the sign-in does.
  expect(await signIn(rememberedOnly(laptop), username, secret)).toBe('code');
});

test('after the policy shortens "don\'t ask again", an older device is shown as no longer remembered, and the sign-in asks for a code', async () => {
  const { username, secret } = await person();
  const laptop = browser('198.51.100.7');
  expect(await signIn(laptop, username, secret)).toBe('code');
  server.clock.advance(2 * 86400_000);
  expect(deviceRows((await openSecurityInfo(laptop)).html)[0]).toContain('skips the second factor until');

  server.setPolicy(policyWith('require: mfa\nmethods: [totp]\nremember: 1d\nenrollment: required'));
  const rows = deviceRows((await openSecurityInfo(laptop)).html);
  expect(rows[0]).toMatch(/^Chrome on Linux This device No longer remembered /);
  expect(rows[0]).toContain('It will be asked for a second factor again: the sign-in policy now remembers devices for a shorter time.');
  expect(await signIn(rememberedOnly(laptop), username, secret)).toBe('code');

  // A policy that no longer remembers devices at all says so.
  server.setPolicy(policyWith('require: mfa\nmethods: [totp]\nremember: 0\nenrollment: required'));
  expect(deviceRows((await openSecurityInfo(laptop)).html)[0]).toContain('It will be asked for a second factor again: the sign-in policy no longer lets a device skip it.');

  // A policy that remembers for longer again shows it until the date its cookie holds.
  server.setPolicy(policies.mfaForAll);
  expect(deviceRows((await openSecurityInfo(laptop)).html)[0]).toContain('skips the second factor until');
});

test('forgetting one device names it in the audit log and leaves the other', async () => {
  const { username, id, secret } = await person();
  const laptop = browser('198.51.100.7');
  const desktop = browser('203.0.113.9');
  await signIn(laptop, username, secret);
  await signIn(desktop, username, secret);
  const page = await openSecurityInfo(laptop);
  const desktopId = (await server.store.devices.list(id)).find((device) => device.ip === '203.0.113.9')!.id;
  const forgotten = await laptop.submit(page, `/account/security/devices/${desktopId}/forget`);
  expect(deviceRows(forgotten.html)).toEqual([expect.stringMatching(/^Chrome on Linux This device Address 198\.51\.100\.7\./)]);
  expect((await server.store.audit.tail({ accountId: id, limit: 1 }))[0]).toMatchObject({ type: 'device.forget', reason: 'Chrome on Linux' });
});
