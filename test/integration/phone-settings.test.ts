// Phones on the security-info page: add one (country picker, number proven by a text), change
// its number (proven before it replaces the old one), switch between texts and calls, set a PIN
// (trivial ones refused), remove it. The number shows masked in lists, whole only on its own page.
import { generateSecret } from 'otplib';
import { createAccount } from '../../src/accounts/createAccount.js';
import { appCode, enterCode } from '../helpers/mfa.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { alertText, noticeText, type Page, UserAgent } from '../helpers/userAgent.js';

const password = 'correct horse battery staple';
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ displayName: 'Acme', phoneCallingCodes: '1,44' }, { policy: 'version: 1\ndefaults: { require: mfa, methods: [totp, sms, voice], remember: 0 }\nrules: []\n' });
});
afterAll(() => server.stop());

const callback = () => `${server.issuer}/account/callback`;
const newestCode = async (to: string) => {
  const { messages } = (await (await fetch(`${server.issuer}/dev/phone/messages?to=${encodeURIComponent(to)}`)).json()) as { messages: { body: string }[] };
  return /^(\d{6}) /.exec(messages[0]?.body ?? '')?.[1] ?? '';
};

async function signedIn() {
  const { id } = await createAccount(server.store.accounts, { username: 'phone-owner', password });
  const secret = generateSecret();
  await server.store.credentials.add({ accountId: id, method: 'totp', label: 'App', secret });
  const agent = new UserAgent(server.issuer);
  let page = await agent.follow('/account/security', callback());
  page = await agent.submit(page, /\/login$/, { username: 'phone-owner', password }, callback());
  page = await enterCode(agent, page, await appCode(server, secret), callback());
  if (page.location?.startsWith(callback())) page = await agent.follow(page.location);
  return { id, agent, page };
}

test('add a phone, change its number, switch it to calls, set a PIN and remove it', async () => {
  const { id, agent, page } = await signedIn();
  expect(page.html).toContain('<h1>Security info</h1>');

  // Add: the method first, then its details; a bad number is named and nothing is sent.
  const details = await agent.submit(page, '/account/security/add/begin', { method: 'sms' });
  expect(details.html).toContain('<label for="sms-country">Country or region</label>');
  expect(details.html).toContain('<option value="US" selected>United States (+1)</option>');
  expect(alertText(details.html)).toBeUndefined();
  const bad = await agent.submit(details, '/account/security/add/begin', { smsNumber: '+1 212 555' });
  expect(bad.status).toBe(400);
  expect(alertText(bad.html)).toMatch(/too short/);
  const proving = await agent.submit(details, '/account/security/add/begin', { smsCountry: 'GB', smsNumber: '07400 123456' });
  expect(proving.html).toContain('We texted a 6-digit code to <strong>+44 ••••');
  const added = await agent.submit(proving, '/account/security/add', { code: await newestCode('+447400123456'), label: 'Mobile' });
  expect(added.status).toBe(200);
  const list = await agent.follow('/account/security');
  expect(list.html).toContain('Phone +44 •••• ••••56 (text message, Mobile)');
  expect(list.html).not.toContain('7400 123456');
  const phone = (await server.store.credentials.list(id)).find((c) => c.method === 'sms')!;

  // Change: the new number is proven before it replaces the old one.
  const edit = await agent.follow(`/account/security/phone/${phone.id}`);
  expect(edit.html).toContain('value="+447400123456"');
  const changing = await agent.submit(edit, '/account/security/add/begin', { smsCountry: 'US', smsNumber: '212-555-0199' });
  expect((await server.store.credentials.list(id)).find((c) => c.method === 'sms')!.secret).toBe('+447400123456');
  const wrong = await agent.submit(changing, '/account/security/add', { code: '000000' });
  expect(wrong.status).toBe(401);
  expect((await server.store.credentials.list(id)).find((c) => c.method === 'sms')!.secret).toBe('+447400123456');
  await agent.submit(changing, '/account/security/add', { code: await newestCode('+12125550199') });
  const phones = (await server.store.credentials.list(id)).filter((c) => c.method === 'sms');
  expect(phones).toEqual([expect.objectContaining({ secret: '+12125550199', label: 'Mobile' })]);

  // Switch to calls, then set a PIN: a trivial one is refused.
  const mobile = phones[0]!;
  const switched = await agent.submit(await agent.follow(`/account/security/phone/${mobile.id}`), /\/switch$/);
  expect(noticeText(switched.html)).toBe('Done: sign-ins now use this phone the new way.');
  const voice = (await server.store.credentials.list(id)).find((c) => c.method === 'voice')!;
  expect(voice).toMatchObject({ secret: '+12125550199', data: { kind: 'mobile' } });
  expect((await server.store.credentials.list(id)).some((c) => c.method === 'sms')).toBe(false);
  const trivial = await agent.submit(switched, /\/pin$/, { pin: '1111', confirm: '1111' });
  expect(trivial.status).toBe(400);
  expect(alertText(trivial.html)).toMatch(/too easy to guess/);
  const pinned = await agent.submit(switched, /\/pin$/, { pin: '5829', confirm: '5829' });
  expect(noticeText(pinned.html)).toBe('Your PIN is set. Calls to this phone will ask for it.');
  const withPin = (await server.store.credentials.list(id)).find((c) => c.method === 'voice')!;
  expect(withPin.data.pinHash).toMatch(/^\$argon2id\$/);

  // Remove: the same confirmation page as from security info, naming the phone.
  const confirm = await agent.follow(`/account/security/methods/${withPin.id}/remove`);
  expect(confirm.html).toContain('<h1>Remove Phone +1 ••• ••• ••99 (call, Mobile)?</h1>');
  const removed = await agent.submit(confirm, new RegExp(`/methods/${withPin.id}/remove$`));
  expect(noticeText(removed.html)).toBe('Phone +1 ••• ••• ••99 (call, Mobile) was removed. It no longer signs you in.');
  expect((await server.store.credentials.list(id)).map((c) => c.method).filter((m) => m !== 'recovery')).toEqual(['totp']);
});

test('a change needs a recent second factor and a form token, and changes nothing without them', async () => {
  const agent = new UserAgent(server.issuer);
  const page: Page = await agent.post('/account/security/phone/x/pin', { pin: '5829', confirm: '5829' });
  expect(page.status).toBe(403);
});
